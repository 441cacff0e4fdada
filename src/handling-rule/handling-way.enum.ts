import { registerEnumType } from 'type-graphql';

/** How a resident can get an item handled (issue 16, "ways of handling"). */
export enum HandlingWay {
  /** At a point that handles the item itself (service_point_item). */
  IN_PERSON = 'IN_PERSON',
  /** At a point that takes the application on the resident's behalf and forwards it to the level that decides (帮办代办). */
  ASSISTED = 'ASSISTED',
  /** Through an online channel of the village's area (app, mini-program, telephone, website): no travel. */
  ONLINE = 'ONLINE',
}

registerEnumType(HandlingWay, {
  name: 'HandlingWay',
  description:
    'How an item is handled. IN_PERSON: at a point that handles it itself. ASSISTED (帮办代办): a point accepts the application on the resident\'s behalf and forwards it to the level that decides, which answers within the area\'s usual turnaround in working days. ONLINE: an online channel of the village\'s area (app, mini-program, telephone, website), no travel.',
  valuesConfig: {
    IN_PERSON: { description: 'At a point that handles the item itself.' },
    ASSISTED: { description: 'At a point that accepts and forwards the application (帮办代办).' },
    ONLINE: { description: 'Through an online channel of the area: no travel.' },
  },
});

export enum OnlineChannelKind {
  APP = 'APP',
  MINI_PROGRAM = 'MINI_PROGRAM',
  TELEPHONE = 'TELEPHONE',
  WEBSITE = 'WEBSITE',
}

registerEnumType(OnlineChannelKind, {
  name: 'OnlineChannelKind',
  description: 'APP: a mobile app (e.g. 国家医保服务平台). MINI_PROGRAM: a WeChat or Alipay mini-program. TELEPHONE: a service line. WEBSITE: an online service hall.',
});
