import type { TravelDescription } from '../travel/travel-model';
import type { CoverageProvenance } from './coverage.type';
import type { ScenarioSummary } from './scenario.type';
import { CoverageMethod, type TravelMode } from './travel-mode.enum';
import { HandlingWay } from '../handling-rule/handling-way.enum';

const WAY_WORDS: Record<HandlingWay, string> = {
  [HandlingWay.IN_PERSON]: 'in person',
  [HandlingWay.ASSISTED]: "by assisted handling (a point accepts the application on the resident's behalf)",
  [HandlingWay.ONLINE]: "online (villages whose area has an online channel for the item count as covered)",
};

const METHOD_WORDS: Record<CoverageMethod, string> = {
  [CoverageMethod.INDEX]: "the engine's accessibility field (nearest counted point of every village, kept up to date by the change feed)",
  [CoverageMethod.POSTGIS]: 'PostGIS (ST_DWithin on geography, in short statements over the area)',
};

/** What an answer says of how it was computed: travel model and its parameters, method, data version. */
export function coverageProvenance(options: {
  travel: TravelDescription;
  method: CoverageMethod;
  dataVersion: string;
  computedAt: Date;
  syntheticData: boolean;
  scenario?: ScenarioSummary | null;
  /** The ways of handling counted; default [IN_PERSON]. */
  handling?: readonly HandlingWay[];
}): CoverageProvenance {
  const handling = options.handling?.length ? [...options.handling] : [HandlingWay.IN_PERSON];
  const otherWays = handling.length > 1 || handling[0] !== HandlingWay.IN_PERSON;
  const { travel, method, dataVersion, syntheticData } = options;
  const number = (name: string) => (typeof travel.parameters[name] === 'number' ? (travel.parameters[name] as number) : null);
  return {
    travelModel: travel.model,
    model: travel.model,
    parameters: { ...travel.parameters },
    method,
    mode: travel.mode as TravelMode,
    speedKmh: number('speedKmh') ?? Number.NaN,
    detourFactor: number('detourFactor'),
    minutes: travel.minutes,
    radiusMeters: number('radiusMeters'),
    dataVersion,
    computedAt: options.computedAt.toISOString(),
    syntheticData,
    scenario: options.scenario ?? null,
    handling,
    description:
      `${travel.sentence} (travel model ${travel.model}); computed by ${METHOD_WORDS[method]} from data version ${dataVersion}.` +
      (otherWays ? ` Counting handling ${handling.map((w) => WAY_WORDS[w]).join(', ')}.` : '') +
      (options.scenario ? ` As if ${options.scenario.changes} change(s) were made (scenario ${options.scenario.key}: ${options.scenario.added} added, ${options.scenario.closed} closed, ${options.scenario.moved} moved, ${options.scenario.itemsChanged} with other items); nothing was written.` : '') +
      (syntheticData ? ' Village locations and populations are synthetic.' : ''),
  };
}
