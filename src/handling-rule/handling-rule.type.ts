import { ArrayMaxSize, IsEnum, IsInt, IsOptional, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { ITEM_CODE_PATTERN } from '../common/codes';
import { OnlineChannelKind } from './handling-way.enum';

/** Online channels a rule may list. */
export const MAX_ONLINE_CHANNELS = 10;
/** Official codes a rule may be set on: '' (the whole country), a province, city, county or township. */
export const RULE_AREA_CODE_PATTERN = /^(\d{2}|\d{4}|\d{6}|\d{9})?$/;
const RULE_AREA_CODE_MESSAGE = 'areaCode must be "" (the whole country) or an official area code of 2, 4, 6 or 9 digits';

@ObjectType({ description: 'An online channel through which an item can be handled without travel.' })
export class OnlineChannel {
  @Field(() => OnlineChannelKind)
  kind: OnlineChannelKind;

  @Field({ description: 'What residents know it by, e.g. 国家医保服务平台 or 济宁医保.' })
  name: string;

  @Field(() => String, { nullable: true, description: 'How to reach it: a phone number, a web address, where to find the app or mini-program; null when not known.' })
  access: string | null;

  @Field(() => String, { nullable: true, description: 'What it covers, hours, anything else the resident should know.' })
  note: string | null;
}

@ObjectType({
  description:
    "An area's settings for the ways an item is handled: the usual turnaround of assisted handling (帮办代办) in working days, and the item's online channels. A village follows the rule of the longest code that prefixes its own ('' is the whole country); a null field is inherited from the next shorter code.",
})
export class HandlingRule {
  @Field(() => ID, { description: "'' (the whole country) or an official code of 2, 4, 6 or 9 digits." })
  areaCode: string;

  @Field(() => ID)
  itemCode: string;

  @Field(() => Int, { nullable: true, description: 'Working days until the deciding level answers an assisted application; null: inherited (or not stated).' })
  assistedTurnaroundWorkingDays: number | null;

  @Field(() => [OnlineChannel], { nullable: true, description: 'The online channels; null: inherited; []: none in this area, whatever a shorter code says.' })
  onlineChannels: OnlineChannel[] | null;

  @Field(() => String, { nullable: true, description: 'Where the rule comes from (a notice, a report), in words.' })
  note: string | null;

  @Field({ description: 'Who set it last (the API key\'s name, "seed" or "cli").' })
  authorName: string;

  @Field({ description: 'When it was set last (ISO 8601).' })
  updatedAt: string;
}

@InputType()
export class OnlineChannelInput {
  @Field(() => OnlineChannelKind)
  @IsEnum(OnlineChannelKind)
  kind: OnlineChannelKind;

  @Field({ description: '1 to 100 characters.' })
  @Length(1, 100, { message: 'an online channel\'s name must have 1 to 100 characters' })
  name: string;

  @Field(() => String, { nullable: true, description: 'Up to 200 characters.' })
  @IsOptional()
  @Length(1, 200, { message: 'an online channel\'s access must have 1 to 200 characters' })
  access?: string | null;

  @Field(() => String, { nullable: true, description: 'Up to 500 characters.' })
  @IsOptional()
  @Length(1, 500, { message: 'an online channel\'s note must have 1 to 500 characters' })
  note?: string | null;
}

@InputType({ description: 'Sets (creates or replaces) the rule of an area for an item.' })
export class HandlingRuleInput {
  @Field(() => ID, { description: "'' (the whole country) or an official code of 2, 4, 6 or 9 digits." })
  @Matches(RULE_AREA_CODE_PATTERN, { message: RULE_AREA_CODE_MESSAGE })
  areaCode: string;

  @Field(() => ID)
  @Matches(ITEM_CODE_PATTERN, { message: 'itemCode must be an item code such as OFFSITE_TREATMENT_FILING' })
  itemCode: string;

  @Field(() => Int, { nullable: true, description: '1 to 60; null: inherited from the next shorter code.' })
  @IsOptional()
  @IsInt({ message: 'assistedTurnaroundWorkingDays must be a whole number of working days' })
  @Min(1, { message: 'assistedTurnaroundWorkingDays must be between 1 and 60' })
  @Max(60, { message: 'assistedTurnaroundWorkingDays must be between 1 and 60' })
  assistedTurnaroundWorkingDays?: number | null;

  @Field(() => [OnlineChannelInput], { nullable: true, description: `At most ${MAX_ONLINE_CHANNELS}; null: inherited; []: none in this area.` })
  @IsOptional()
  @ArrayMaxSize(MAX_ONLINE_CHANNELS, { message: `at most ${MAX_ONLINE_CHANNELS} online channels` })
  @ValidateNested({ each: true })
  onlineChannels?: OnlineChannelInput[] | null;

  @Field(() => String, { nullable: true, description: 'Up to 2,000 characters.' })
  @IsOptional()
  @Length(1, 2000, { message: 'note must have 1 to 2,000 characters' })
  note?: string | null;
}

@ArgsType()
export class SetHandlingRuleArgs {
  @Field(() => HandlingRuleInput)
  @ValidateNested()
  input: HandlingRuleInput;
}

@ArgsType()
export class HandlingRuleKeyArgs {
  @Field(() => ID)
  @Matches(RULE_AREA_CODE_PATTERN, { message: RULE_AREA_CODE_MESSAGE })
  areaCode: string;

  @Field(() => ID)
  @Matches(ITEM_CODE_PATTERN, { message: 'itemCode must be an item code such as OFFSITE_TREATMENT_FILING' })
  itemCode: string;
}

@ArgsType()
export class HandlingRulesArgs {
  @Field(() => ID, { nullable: true, description: 'Only the rules of this code and the codes above it (those a village or area under it follows); without it every rule.' })
  @IsOptional()
  @Matches(RULE_AREA_CODE_PATTERN, { message: RULE_AREA_CODE_MESSAGE })
  areaCode?: string | null;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @Matches(ITEM_CODE_PATTERN, { message: 'itemCode must be an item code such as OFFSITE_TREATMENT_FILING' })
  itemCode?: string | null;
}
