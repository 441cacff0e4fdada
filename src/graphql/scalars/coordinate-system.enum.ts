import { registerEnumType } from 'type-graphql';

export enum CoordinateSystem {
  WGS84 = 'WGS84',
  GCJ02 = 'GCJ02',
  BD09 = 'BD09',
}

registerEnumType(CoordinateSystem, {
  name: 'CoordinateSystem',
  description:
    'WGS84: GPS, OpenStreetMap, storage (default). GCJ02: AMap (Gaode) and Tencent maps. BD09: Baidu maps. Outputs are converted at the edge; points outside mainland China are not shifted.',
});
