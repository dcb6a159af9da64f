package dev.quire.server.store.jdbc;

import dev.quire.server.auth.Role;
import dev.quire.server.store.DocumentCatalog.Entry;
import dev.quire.server.store.DocumentCatalog.Query;
import dev.quire.server.store.DocumentCatalog.Sort;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The catalog's statements, in the SQL that SQLite and PostgreSQL both speak, so the two catalogs
 * differ only in how they get a connection. Each method is one statement in autocommit (one
 * transaction); the "newer wins" rules are in the WHERE clauses, so they hold across servers
 * without locks.
 */
public final class CatalogSql {
  private CatalogSql() {}

  private static final String COLUMNS =
      "id, title, title_version, created_at, created_by, edited_at, edited_by, deleted_at, org_id, general_access";

  public static boolean add(Connection c, Entry e) throws SQLException {
    Objects.requireNonNull(e, "entry");
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO documents (" + COLUMNS
        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING")) {
      ps.setString(1, e.id());
      ps.setString(2, e.title());
      ps.setLong(3, e.titleVersion());
      ps.setLong(4, e.createdAt());
      ps.setString(5, e.createdBy());
      ps.setLong(6, e.editedAt());
      ps.setString(7, e.editedBy());
      if (e.deletedAt() == null) {
        ps.setNull(8, Types.BIGINT);
      } else {
        ps.setLong(8, e.deletedAt());
      }
      ps.setString(9, e.orgId());
      ps.setString(10, Role.accessKey(e.generalAccess()));
      return ps.executeUpdate() == 1;
    }
  }

  public static Optional<Entry> get(Connection c, String id) throws SQLException {
    Objects.requireNonNull(id, "id");
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM documents WHERE id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(entry(rs)) : Optional.empty();
      }
    }
  }

  public static Optional<String> organizationOf(Connection c, String id) throws SQLException {
    Objects.requireNonNull(id, "id");
    try (PreparedStatement ps = c.prepareStatement("SELECT org_id FROM documents WHERE id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    }
  }

  /**
   * The documents a person sees: those with a role given to them, through a live share link they
   * came in by, or through the general access of a document of an organization they are a member of.
   */
  static final String VISIBLE = " AND (id IN (SELECT doc_id FROM document_roles WHERE user_id = ? UNION SELECT l.doc_id"
      + " FROM share_links l JOIN share_link_members m ON m.link_id = l.id WHERE m.user_id = ?)"
      + " OR (general_access <> 'none' AND org_id IN (SELECT org_id FROM organization_members WHERE user_id = ?)))";

  public static List<Entry> list(Connection c, Query q) throws SQLException {
    Objects.requireNonNull(q, "query");
    if (q.limit() < 1) {
      throw new IllegalArgumentException("limit must be at least 1, got " + q.limit());
    }
    boolean search = q.titleContains() != null && !q.titleContains().isEmpty();
    StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS).append(" FROM documents WHERE deleted_at IS ")
        .append(q.trash() ? "NOT NULL" : "NULL");
    if (search) {
      // lower() on both sides: SQLite's LIKE folds ASCII case and PostgreSQL's does not.
      sql.append(" AND lower(title) LIKE ? ESCAPE '!'");
    }
    if (q.visibleTo() != null) {
      sql.append(VISIBLE);
    }
    if (q.orgId() != null) {
      sql.append(" AND org_id = ?");
    }
    sql.append(q.sort() == Sort.NAME ? " ORDER BY lower(title), id" : " ORDER BY edited_at DESC, id");
    sql.append(" LIMIT ?");
    try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
      int i = 1;
      if (search) {
        ps.setString(i++, "%" + likeEscape(q.titleContains().toLowerCase(Locale.ROOT)) + "%");
      }
      if (q.visibleTo() != null) {
        ps.setString(i++, q.visibleTo());
        ps.setString(i++, q.visibleTo());
        ps.setString(i++, q.visibleTo());
      }
      if (q.orgId() != null) {
        ps.setString(i++, q.orgId());
      }
      ps.setInt(i, q.limit());
      List<Entry> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(entry(rs));
        }
      }
      return out;
    }
  }

  /** The pattern matches the text literally: LIKE's wildcards and the escape are escaped. */
  static String likeEscape(String s) {
    return s.replace("!", "!!").replace("%", "!%").replace("_", "!_");
  }

  public static boolean setTitle(Connection c, String id, String title, long titleVersion) throws SQLException {
    Objects.requireNonNull(title, "title");
    try (PreparedStatement ps = c.prepareStatement(
        "UPDATE documents SET title = ?, title_version = ? WHERE id = ? AND title_version < ?")) {
      ps.setString(1, title);
      ps.setLong(2, titleVersion);
      ps.setString(3, id);
      ps.setLong(4, titleVersion);
      return ps.executeUpdate() == 1;
    }
  }

  public static boolean recordEdit(Connection c, String id, long at, String by) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "UPDATE documents SET edited_at = ?, edited_by = ? WHERE id = ? AND edited_at <= ?")) {
      ps.setLong(1, at);
      ps.setString(2, by);
      ps.setString(3, id);
      ps.setLong(4, at);
      return ps.executeUpdate() == 1;
    }
  }

  public static boolean markDeleted(Connection c, String id, long at) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "UPDATE documents SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL")) {
      ps.setLong(1, at);
      ps.setString(2, id);
      return ps.executeUpdate() == 1;
    }
  }

  public static boolean restore(Connection c, String id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "UPDATE documents SET deleted_at = NULL WHERE id = ? AND deleted_at IS NOT NULL")) {
      ps.setString(1, id);
      return ps.executeUpdate() == 1;
    }
  }

  private static Entry entry(ResultSet rs) throws SQLException {
    long deleted = rs.getLong(8);
    Long deletedAt = rs.wasNull() ? null : deleted;
    return new Entry(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getString(5),
        rs.getLong(6), rs.getString(7), deletedAt, rs.getString(9), Role.of(rs.getString(10)));
  }
}
