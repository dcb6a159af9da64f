package dev.quire.server.store.jdbc;

import dev.quire.server.store.DocumentKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The retention statements of both stores (see {@code retention.Compactor}), the same text but
 * for how a store names a document: {@code collection = ? AND doc_id = ?} on SQLite, with the
 * organization first on PostgreSQL (its partition key). Each store makes one, with its key
 * clause, and passes the key's values to every call.
 */
public final class RetentionSql {
  /**
   * One pass over the op log, grouped by document (acceptable once per compaction period, where
   * an index on ts alone would cost every commit). A document is a candidate when the cut (the
   * number of old ops, at most the last version, rounded down to the interval) is past its oldest
   * stored op, which is 0 or an earlier cut, so a multiple of the interval: then it has ops to
   * delete. Documents compacted as far as they can be are not even named.
   */
  private static final String COMPACTION_CANDIDATES =
      "SELECT collection, doc_id FROM (SELECT collection, doc_id, min(version) AS oldest, max(version) AS last,"
          + " coalesce(max(CASE WHEN ts <= ? THEN version END) + 1, 0) AS old FROM ops GROUP BY collection, doc_id) d"
          + " WHERE (CASE WHEN old < last THEN old ELSE last END) >= oldest + ?";

  private final String oldestKept;
  private final String snapshotAtOrBeforeTime;
  private final String deleteCoveredOps;
  private final String deleteSnapshotsBetween;

  /** @param doc the store's clause naming one document, its parameters the key's values */
  public RetentionSql(String doc) {
    this.oldestKept = "SELECT min(version) FROM ops WHERE " + doc;
    // After compaction a time may fall before every kept op: then the nearest kept snapshot at or
    // before it answers (its ts is its last op's).
    this.snapshotAtOrBeforeTime = "SELECT max(version) FROM snapshots WHERE " + doc + " AND ts <= ?";
    // Deletes the ops below the cut only if a snapshot is stored at the cut and at least one op
    // stays above it (the head is max(version) + 1, and the commit fence reads it): one
    // statement, so a compactor on another server, or a crash half-way, can never leave ops
    // deleted that no snapshot covers.
    this.deleteCoveredOps = "DELETE FROM ops WHERE " + doc + " AND version < ?"
        + " AND EXISTS (SELECT 1 FROM snapshots WHERE " + doc + " AND version = ?)"
        + " AND (SELECT max(version) FROM ops WHERE " + doc + ") >= ?";
    // The snapshots that the ops about to be deleted covered, after the oldest stored op and
    // before the cut, except at the interval's multiples: a cache nothing will read. Not at or
    // below the oldest op: those were kept by earlier passes, perhaps at another interval, and
    // are all that is left of that history.
    this.deleteSnapshotsBetween = "DELETE FROM snapshots WHERE " + doc + " AND version < ? AND version % ? <> 0"
        + " AND version > (SELECT min(version) FROM ops WHERE " + doc + ")";
  }

  /** The documents that {@code DocumentStore#compactionCandidates} names. */
  public static List<DocumentKey> compactionCandidates(Connection c, long olderThan, int interval)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(COMPACTION_CANDIDATES)) {
      ps.setLong(1, olderThan);
      ps.setInt(2, interval);
      List<DocumentKey> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new DocumentKey(rs.getString(1), rs.getString(2)));
        }
      }
      return out;
    }
  }

  /** The version of the document's oldest stored op, or -1 when it has none. */
  public long oldestKept(Connection c, String... key) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(oldestKept)) {
      bind(ps, 1, key);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next(); // an aggregate: always one row
        long oldest = rs.getLong(1);
        return rs.wasNull() ? -1 : oldest;
      }
    }
  }

  /** The version of the newest snapshot whose last op is at or before {@code timestamp}; 0 if none. */
  public long snapshotVersionAtOrBefore(Connection c, long timestamp, String... key) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(snapshotAtOrBeforeTime)) {
      ps.setLong(bind(ps, 1, key), timestamp);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next(); // an aggregate: always one row, null (read as 0) when there is no such snapshot
        return rs.getLong(1);
      }
    }
  }

  /**
   * The two deletes of {@code DocumentStore#compact}, each idempotent and guarded on its own, so
   * they may be retried or run by several servers at once. Answers how many ops were deleted.
   */
  public long compact(Connection c, long below, long keepEvery, String... key) throws SQLException {
    // Snapshots first, while the ops still say where the range to thin starts.
    try (PreparedStatement ps = c.prepareStatement(deleteSnapshotsBetween)) {
      int at = bind(ps, 1, key);
      ps.setLong(at, below);
      ps.setLong(at + 1, keepEvery);
      bind(ps, at + 2, key);
      ps.executeUpdate();
    }
    try (PreparedStatement ps = c.prepareStatement(deleteCoveredOps)) {
      int at = 1;
      for (int i = 0; i < 3; i++) {
        at = bind(ps, at, key);
        ps.setLong(at++, below);
      }
      return ps.executeUpdate();
    }
  }

  /** The two reads' statements, whose parameters are the key's then a number (tests EXPLAIN them). */
  public List<String> reads() {
    return List.of(oldestKept, snapshotAtOrBeforeTime);
  }

  /** Binds the key's values from parameter {@code at} on; answers the next parameter's index. */
  private static int bind(PreparedStatement ps, int at, String... key) throws SQLException {
    for (String k : key) {
      ps.setString(at++, k);
    }
    return at;
  }
}
