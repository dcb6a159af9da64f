package dev.quire.server.store.postgres;

import dev.quire.server.store.StoredOp;
import dev.quire.server.store.StoredSnapshot;
import dev.quire.server.store.jdbc.RetentionSql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;

/** The store's statements, and how records bind to them and come back from rows. */
final class PostgresRows {
  private PostgresRows() {}

  private static final String OP_COLUMNS = "version, src, seq, kind, type, body, ts";
  // Every statement names the document's organization first: it is the partition key (V8), so
  // PostgreSQL prunes to the one partition that can hold the document.
  private static final String DOC = "org_id = ? AND collection = ? AND doc_id = ?";

  static final String HEAD =
      "SELECT coalesce(max(version) + 1, 0) FROM ops WHERE " + DOC;

  /**
   * The whole commit in one statement, so one round trip whatever the batch size: insert the
   * batch only if the head is where the batch starts. Run in autocommit, it is its own
   * transaction, durable when the reply arrives (synchronous_commit).
   *
   * <p>Why this is safe under READ COMMITTED: if the head check passes on a stale view because
   * another server is committing the same version right now, the primary key makes this insert
   * wait for that transaction and then fail with a unique violation, which is a CONFLICT. A head
   * check that sees a stale head can never let a batch start past the real head, so no gap can
   * appear. The primary key is the fence; the head check only turns "stale" and "ahead" into a
   * clean zero-row answer. The document's advisory lock, tried first (see the V3 migration), makes
   * a commit that races another server's on the same document answer CONFLICT at once instead of
   * waiting for the other's transaction on the primary key. Both conditions are uncorrelated
   * subqueries, so each is evaluated once for the statement, never per row: a lock tried per row
   * could fail for the first op and succeed for the next (the other transaction ending between),
   * inserting the batch without its first op.
   *
   * <p>Why arrays: a VALUES list takes 9 parameters per op, and the protocol allows at most 65,535
   * per statement (7,281 ops; {@code max-batch} goes to 100,000). Arrays keep the statement's
   * text, and so its server-side prepared plan, the same for every batch size.
   */
  static final String INSERT_AT_HEAD =
      "INSERT INTO ops (org_id, collection, doc_id, " + OP_COLUMNS + ")"
          + " SELECT ?, ?, ?, " + OP_COLUMNS
          + " FROM unnest(?::bigint[], ?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[],"
          + " ?::bigint[]) AS batch (" + OP_COLUMNS + ")"
          + " WHERE (SELECT pg_try_advisory_xact_lock(quire_doc_lock(?, ?))) AND (" + HEAD + ") = ?";

  /** Group commit across documents: the V3 migration's function (set-based since V9); one boolean per document. */
  static final String COMMIT_MANY =
      "SELECT quire_commit_many(?::text[], ?::text[], ?::text[], ?::bigint[], ?::int[], ?::bigint[], ?::text[],"
          + " ?::bigint[], ?::text[], ?::text[], ?::text[], ?::bigint[])";

  static final String OPS_IN_RANGE =
      "SELECT " + OP_COLUMNS + " FROM ops WHERE " + DOC
          + " AND version >= ? AND version < ? ORDER BY version";
  static final String OP_BY_SOURCE =
      "SELECT " + OP_COLUMNS + " FROM ops WHERE " + DOC + " AND src = ? AND seq = ?";
  // Timestamps never decrease within a document, so the last op at or before a time is the one
  // with the highest (ts, version): one backward seek in ops_by_time, where a count would walk
  // every op up to then.
  static final String LAST_OP_AT_OR_BEFORE =
      "SELECT version FROM ops WHERE " + DOC
          + " AND ts <= ? ORDER BY ts DESC, version DESC LIMIT 1";
  // Only a snapshot of the same version is ignored; any other failure still throws.
  static final String INSERT_SNAPSHOT =
      "INSERT INTO snapshots (org_id, collection, doc_id, version, type, data, ts)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (org_id, collection, doc_id, version) DO NOTHING";
  static final String SNAPSHOT_AT_OR_BEFORE =
      "SELECT version, type, data, ts FROM snapshots WHERE " + DOC
          + " AND version <= ? ORDER BY version DESC LIMIT 1";

  /** Retention's statements, with this store's document key (see RetentionSql). */
  static final RetentionSql RETENTION = new RetentionSql(DOC);

  /** Binds a batch (already checked: consecutive, all for this document) to INSERT_AT_HEAD. */
  static void bindBatch(Connection c, PreparedStatement ps, String org, String collection, String docId,
      List<StoredOp> ops) throws SQLException {
    bindDoc(ps, org, collection, docId);
    bindOps(c, ps, 4, ops);
    ps.setString(11, collection);
    ps.setString(12, docId);
    ps.setString(13, org);
    ps.setString(14, collection);
    ps.setString(15, docId);
    ps.setLong(16, ops.get(0).version());
  }

  /**
   * Binds the columns of {@code ops} as seven arrays (version, src, seq, kind, type, body, ts) to
   * the parameters from {@code first} on.
   */
  static void bindOps(Connection c, PreparedStatement ps, int first, List<StoredOp> ops) throws SQLException {
    int n = ops.size();
    Long[] versions = new Long[n];
    String[] srcs = new String[n];
    Long[] seqs = new Long[n];
    String[] kinds = new String[n];
    String[] types = new String[n];
    String[] bodies = new String[n];
    Long[] times = new Long[n];
    for (int i = 0; i < n; i++) {
      StoredOp op = ops.get(i);
      versions[i] = op.version();
      srcs[i] = op.src();
      seqs[i] = op.seq();
      kinds[i] = kindName(op.kind());
      types[i] = op.type();
      bodies[i] = op.body();
      times[i] = op.timestamp();
    }
    ps.setArray(first, c.createArrayOf("int8", versions));
    ps.setArray(first + 1, c.createArrayOf("text", srcs));
    ps.setArray(first + 2, c.createArrayOf("int8", seqs));
    ps.setArray(first + 3, c.createArrayOf("text", kinds));
    ps.setArray(first + 4, c.createArrayOf("text", types));
    ps.setArray(first + 5, c.createArrayOf("text", bodies));
    ps.setArray(first + 6, c.createArrayOf("int8", times));
  }

  /** Reads a row selected with {@code OP_COLUMNS}. */
  static StoredOp op(String collection, String docId, ResultSet rs) throws SQLException {
    return new StoredOp(
        collection,
        docId,
        rs.getLong(1),
        rs.getString(2),
        rs.getLong(3),
        kind(rs.getString(4)),
        rs.getString(5),
        rs.getString(6),
        rs.getLong(7));
  }

  static void bindSnapshot(PreparedStatement ps, String org, StoredSnapshot s) throws SQLException {
    bindDoc(ps, org, s.collection(), s.docId());
    ps.setLong(4, s.version());
    setNullableString(ps, 5, s.type());
    setNullableString(ps, 6, s.data());
    ps.setLong(7, s.timestamp());
  }

  static StoredSnapshot snapshot(String collection, String docId, ResultSet rs)
      throws SQLException {
    return new StoredSnapshot(
        collection, docId, rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4));
  }

  /**
   * Binds the document key, its organization first, to the first three parameters, which every
   * query starts with; the next parameter is {@link #AFTER_DOC}.
   */
  static void bindDoc(PreparedStatement ps, String org, String collection, String docId) throws SQLException {
    ps.setString(1, org);
    ps.setString(2, collection);
    ps.setString(3, docId);
  }

  /** The first parameter after the document key. */
  static final int AFTER_DOC = 4;

  // Spelled out rather than Enum.name(): renaming a constant must not change stored data. The
  // same words as the embedded store's, so data can move between them.
  private static String kindName(StoredOp.Kind kind) {
    return switch (kind) {
      case CREATE -> "create";
      case EDIT -> "edit";
      case DELETE -> "delete";
    };
  }

  private static StoredOp.Kind kind(String name) throws SQLException {
    return switch (name) {
      case "create" -> StoredOp.Kind.CREATE;
      case "edit" -> StoredOp.Kind.EDIT;
      case "delete" -> StoredOp.Kind.DELETE;
      default -> throw new SQLException("unknown op kind in the database: " + name);
    };
  }

  private static void setNullableString(PreparedStatement ps, int index, String value)
      throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.VARCHAR);
    } else {
      ps.setString(index, value);
    }
  }
}
