import type { OnlineChannelKind } from './handling-way.enum';

/** An online channel of an area for an item, as configured (handling_rule.online_channels). */
export interface OnlineChannelSpec {
  readonly kind: OnlineChannelKind;
  /** What residents know it by, e.g. 国家医保服务平台 or 济宁医保. */
  readonly name: string;
  /** How to reach it: a phone number, a web address, where to find the app or mini-program; null when not known. */
  readonly access: string | null;
  /** Anything else the resident should know (what it covers, hours). */
  readonly note: string | null;
}

/** One stored rule: an area's settings for an item; a null field is inherited from the next shorter area code. */
export interface HandlingRuleSpec {
  /** '' (the whole country) or an official code of 2, 4, 6 or 9 digits. */
  readonly areaCode: string;
  readonly itemCode: string;
  readonly assistedTurnaroundWorkingDays: number | null;
  /** null: inherited; []: none here (a county may switch off its city's channels). */
  readonly onlineChannels: readonly OnlineChannelSpec[] | null;
  readonly note: string | null;
}

/** The rule a village (or an area) follows for an item, merged field by field from the longest code down. */
export interface ResolvedHandlingRule {
  readonly assistedTurnaroundWorkingDays: number | null;
  readonly onlineChannels: readonly OnlineChannelSpec[];
  /** The area codes whose rules gave the fields (longest first); empty when no rule applies. */
  readonly fromAreaCodes: readonly string[];
}

const NO_RULE: ResolvedHandlingRule = { assistedTurnaroundWorkingDays: null, onlineChannels: [], fromAreaCodes: [] };

/** The lengths an official code's ancestors have: township 9, county 6, city 4, province 2, the country 0. */
const PREFIX_LENGTHS = [9, 6, 4, 2, 0];

/**
 * The handling rules of one data version, resolved per code and item (memoised: a village resolves through its
 * township's code, so a national scan resolves each township once).
 */
export class HandlingRules {
  private readonly byKey: ReadonlyMap<string, HandlingRuleSpec>;
  private readonly memo = new Map<string, ResolvedHandlingRule>();
  readonly items: ReadonlySet<string>;

  constructor(readonly rules: readonly HandlingRuleSpec[]) {
    this.byKey = new Map(rules.map((r) => [`${r.itemCode}|${r.areaCode}`, r]));
    this.items = new Set(rules.map((r) => r.itemCode));
  }

  /** The rule for `code` (a village's 12 digits, or an area's code) and `item`. */
  resolve(code: string, item: string): ResolvedHandlingRule {
    if (!this.items.has(item)) return NO_RULE;
    // A village follows its township's rules (rules stop at townships).
    const base = code.length > 9 ? code.slice(0, 9) : code;
    const key = `${item}|${base}`;
    let found = this.memo.get(key);
    if (found) return found;
    let turnaround: number | null = null;
    let channels: readonly OnlineChannelSpec[] | null = null;
    const from: string[] = [];
    for (const length of PREFIX_LENGTHS) {
      if (length > base.length) continue;
      const rule = this.byKey.get(`${item}|${base.slice(0, length)}`);
      if (!rule) continue;
      let used = false;
      if (turnaround === null && rule.assistedTurnaroundWorkingDays !== null) {
        turnaround = rule.assistedTurnaroundWorkingDays;
        used = true;
      }
      if (channels === null && rule.onlineChannels !== null) {
        channels = rule.onlineChannels;
        used = true;
      }
      if (used) from.push(rule.areaCode);
    }
    found = from.length ? { assistedTurnaroundWorkingDays: turnaround, onlineChannels: channels ?? [], fromAreaCodes: from } : NO_RULE;
    if (this.memo.size < 200_000) this.memo.set(key, found);
    return found;
  }
}
