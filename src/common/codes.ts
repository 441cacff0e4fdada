/** Official code formats, shared by validation and services. */
export const AREA_CODE_PATTERN = /^(\d{2}|\d{4}|\d{6}|\d{9})$/;
/** A planner's own area (createPlanningArea): capital letters first, so it never looks like an official code. */
export const PLANNING_AREA_CODE_PATTERN = /^[A-Z][A-Z0-9_-]{1,39}$/;
/** What the coverage questions take as areaCode: an official area code or a planning area's. */
export const COVERAGE_AREA_CODE_PATTERN = /^(\d{2}|\d{4}|\d{6}|\d{9}|[A-Z][A-Z0-9_-]{1,39})$/;
export const COVERAGE_AREA_CODE_MESSAGE = "areaCode must be an official area code of 2, 4, 6 or 9 digits, or a planning area's code (capital letters first, e.g. TAIBAI_LAKE)";
export const VILLAGE_CODE_PATTERN = /^\d{12}$/;
export const ITEM_CODE_PATTERN = /^[A-Z][A-Z0-9_]{1,63}$/;
export const SERVICE_POINT_ID_PATTERN = /^[A-Z0-9][A-Z0-9-]{2,63}$/;
