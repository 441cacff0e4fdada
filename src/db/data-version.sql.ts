/** The data version every write bumps (triggers of the data tables, in the writing transaction). */
export const DATA_VERSION = /* sql */ `SELECT version::text AS version, changed_at FROM data_version`;
