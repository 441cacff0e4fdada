/** The data version every write bumps (triggers of the data tables, in the writing transaction). */
export const DATA_VERSION = /* sql */ `SELECT version::text AS version, changed_at FROM data_version`;
/** A read replica's data version, and whether it is a standby (read-replicas.ts, when it connects). */
export const REPLICA_STATE = /* sql */ `SELECT version::text AS version, pg_is_in_recovery() AS standby FROM data_version`;
