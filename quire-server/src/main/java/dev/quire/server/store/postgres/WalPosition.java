package dev.quire.server.store.postgres;

/**
 * A PostgreSQL server's place in the write-ahead log, as a byte position (an LSN): for a primary
 * the current write position, for a standby ({@code standby} true) the last position it has
 * replayed. A standby whose position is at least a primary's position read earlier shows every
 * transaction that had committed on the primary when that position was read.
 */
public record WalPosition(boolean standby, long lsn) {
  // An LSN minus '0/0' is its byte position (numeric), comparable as a plain long. A standby that
  // has replayed nothing yet answers null, read as 0.
  static final String QUERY = "SELECT pg_is_in_recovery(), coalesce((CASE WHEN pg_is_in_recovery()"
      + " THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END - '0/0'::pg_lsn)::bigint, 0)";
}
