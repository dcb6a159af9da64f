package dev.quire.server.store.sqlite;

import dev.quire.server.store.StoredOp;
import dev.quire.server.store.StoredSnapshot;
import dev.quire.server.store.jdbc.RetentionSql;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;

/** The store's statements, and how records bind to them and come back from rows. */
final class SqliteRows {
  private SqliteRows() {}

  private static final String OP_COLUMNS = "version, src, seq, kind, type, body, ts";
  private static final String DOC = "collection = ? AND doc_id = ?";

  static final String HEAD =
      "SELECT version FROM ops WHERE " + DOC + " ORDER BY version DESC LIMIT 1";
  static final String INSERT_OP =
      "INSERT INTO ops (collection, doc_id, " + OP_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
  static final String OPS_IN_RANGE =
      "SELECT " + OP_COLUMNS + " FROM ops WHERE " + DOC
          + " AND version >= ? AND version < ? ORDER BY version";
  static final String OP_BY_SOURCE =
      "SELECT " + OP_COLUMNS + " FROM ops WHERE " + DOC + " AND src = ? AND seq = ?";
  // Timestamps never decrease within a document, so the last op at or before a time is the one
  // with the highest ts, and its version + 1 is the number of ops at or before that time. One
  // seek in ops_by_time, where a COUNT(*) would walk every op up to then.
  static final String LAST_OP_AT_OR_BEFORE =
      "SELECT version FROM ops WHERE " + DOC
          + " AND ts <= ? ORDER BY ts DESC, version DESC LIMIT 1";
  // Only a snapshot of the same version is ignored; any other failure (a NOT NULL, say) still
  // throws, which a blanket INSERT OR IGNORE would hide.
  static final String INSERT_SNAPSHOT =
      "INSERT INTO snapshots (collection, doc_id, version, type, data, ts)"
          + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (collection, doc_id, version) DO NOTHING";
  static final String SNAPSHOT_AT_OR_BEFORE =
      "SELECT version, type, data, ts FROM snapshots WHERE " + DOC
          + " AND version <= ? ORDER BY version DESC LIMIT 1";

  /** Retention's statements, with this store's document key (see RetentionSql). */
  static final RetentionSql RETENTION = new RetentionSql(DOC);

  static void bindOp(PreparedStatement ps, StoredOp op) throws SQLException {
    ps.setString(1, op.collection());
    ps.setString(2, op.docId());
    ps.setLong(3, op.version());
    ps.setString(4, op.src());
    ps.setLong(5, op.seq());
    ps.setString(6, kindName(op.kind()));
    setNullableString(ps, 7, op.type());
    setNullableString(ps, 8, op.body());
    ps.setLong(9, op.timestamp());
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

  static void bindSnapshot(PreparedStatement ps, StoredSnapshot s) throws SQLException {
    ps.setString(1, s.collection());
    ps.setString(2, s.docId());
    ps.setLong(3, s.version());
    setNullableString(ps, 4, s.type());
    setNullableString(ps, 5, s.data());
    ps.setLong(6, s.timestamp());
  }

  static StoredSnapshot snapshot(String collection, String docId, ResultSet rs)
      throws SQLException {
    return new StoredSnapshot(
        collection, docId, rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4));
  }

  /** Binds the document key to the first two parameters, which every query starts with. */
  static void bindDoc(PreparedStatement ps, String collection, String docId) throws SQLException {
    ps.setString(1, collection);
    ps.setString(2, docId);
  }

  // Spelled out rather than Enum.name(): renaming a constant must not change stored data.
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
