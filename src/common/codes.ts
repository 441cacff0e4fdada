/** Official code formats, shared by validation and services. */
export const AREA_CODE_PATTERN = /^(\d{2}|\d{4}|\d{6}|\d{9})$/;
export const VILLAGE_CODE_PATTERN = /^\d{12}$/;
export const ITEM_CODE_PATTERN = /^[A-Z][A-Z0-9_]{1,63}$/;
export const SERVICE_POINT_ID_PATTERN = /^[A-Z0-9][A-Z0-9-]{2,63}$/;
