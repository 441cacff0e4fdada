// Domain constants of the seed generators: item codes of hospital stations, opening hours, name rules, phones.
export const VILLAGE_ITEMS = ['RESIDENT_ENROLMENT', 'RESIDENT_INFO_CHANGE', 'RESIDENT_CONTRIBUTION', 'EVOUCHER_ACTIVATION', 'COVERAGE_RECORD'];
export const HOSPITAL_EXTRA_ITEMS = [
  'OFFSITE_TREATMENT_FILING', 'CHRONIC_DISEASE_CERT', 'MANUAL_REIMBURSEMENT',
  'TWO_DISEASES_ENROLMENT', 'CRITICAL_ILLNESS_CLAIM', 'SPECIAL_DRUG_FILING',
];
export const HOSPITAL_ITEMS = [...VILLAGE_ITEMS, ...HOSPITAL_EXTRA_ITEMS];
export const COUNTY_HOSPITAL_ITEMS = [...VILLAGE_ITEMS, 'OFFSITE_TREATMENT_FILING', 'CHRONIC_DISEASE_CERT', 'MANUAL_REIMBURSEMENT',
  'PRENATAL_CHECKUP', 'TWO_DISEASES_ENROLMENT', 'CRITICAL_ILLNESS_CLAIM', 'SPECIAL_DRUG_FILING', 'BIRTH_INSURANCE'];

export const HOURS = {
  COUNTY_HALL: 'Mo-Fr 08:30-12:00,14:30-17:30; Sa 09:00-12:00',
  TOWNSHIP_STATION: 'Mo-Fr 08:30-12:00,14:30-17:30',
  VILLAGE_POINT: ['Mo-Fr 09:00-12:00,14:30-17:00', 'Mo-Fr 08:30-12:00,14:00-17:30', 'Mo,We,Fr 09:00-12:00,14:30-17:00'],
  HOSPITAL_STATION: ['Mo-Su 08:00-12:00,14:00-17:30', 'Mo-Fr 08:00-12:00,14:00-17:30; Sa 08:00-12:00'],
};

// Community (urban residents' committee) vs village committee, and non-standard statistical units
export const isCommunity = (name) => /(社区|居委会|居民委员会)$/.test(name) && !/虚拟社区$/.test(name);
// non-standard statistical units: development-zone virtual communities, state-farm living areas,
// villager groups directly under a town (no village committee of their own)
export const isSpecialUnit = (v) => /(虚拟社区|生活区|村民小组)$/.test(v.name);
export const isUrbanTownship = (t) => /街道$/.test(t.name) || /(开发区|工业区|工贸区|高新)/.test(t.name);
export function shortVillageName(name) {
  return name
    .replace(/村村民委员会$/, '村')
    .replace(/村民委员会$/, '村')
    .replace(/村委会$/, '村')
    .replace(/社区居民委员会$/, '社区')
    .replace(/社区居委会$/, '社区')
    .replace(/居民委员会$/, '居委会');
}
export function committeeSuffix(name) {
  if (/(委员会|委会)$/.test(name)) return '';
  if (/社区$/.test(name)) return '居委会';
  if (/村$/.test(name)) return '村委会';
  return '';
}
export function digitsFrom(rng, prefix, digits) {
  let s = prefix;
  while (s.length < digits) s += String(Math.floor(rng() * 10));
  return s;
}
// landline: area code + local number; local numbers do not start with 0 or 1
export function phone(rng, areaCode, prefix, digits) {
  const first = prefix || String(2 + Math.floor(rng() * 7));
  return `${areaCode}-${digitsFrom(rng, first, digits)}`;
}
// village assistants often give a mobile number (11 digits, common carrier prefixes)
export const MOBILE_PREFIXES = ['130', '131', '132', '133', '135', '136', '137', '138', '139', '150', '151', '152', '153', '155',
  '156', '157', '158', '159', '180', '181', '182', '183', '185', '186', '187', '188', '189'];
export function mobile(rng) {
  return digitsFrom(rng, MOBILE_PREFIXES[Math.floor(rng() * MOBILE_PREFIXES.length)], 11);
}

