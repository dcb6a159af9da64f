package dev.quire.server.store.jdbc;

import dev.quire.server.auth.AccountStore.Grant;
import dev.quire.server.auth.AccountStore.Link;
import dev.quire.server.auth.AccountStore.Session;
import dev.quire.server.auth.AccountStore.Token;
import dev.quire.server.auth.AccountStore.User;
import dev.quire.server.auth.OrgRole;
import dev.quire.server.auth.Role;
import dev.quire.server.store.DocumentCatalog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The account statements, in the SQL that SQLite and PostgreSQL both speak (as {@link
 * CatalogSql}). Inserts that may collide use {@code ON CONFLICT DO NOTHING} and report whether a
 * row went in, so a taken name is an answer, not an exception.
 */
final class AccountSql {
  private AccountSql() {}

  private static final String USER = "id, name, email, password_hash, is_admin, created_at";

  static String key(String s) {
    return s == null ? null : s.toLowerCase(Locale.ROOT);
  }

  static boolean addUser(Connection c, User u) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO users (id, name, name_key, email, email_key, "
        + "password_hash, is_admin, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
      ps.setString(1, u.id());
      ps.setString(2, u.name());
      ps.setString(3, key(u.name()));
      ps.setString(4, u.email());
      ps.setString(5, key(u.email()));
      ps.setString(6, u.passwordHash());
      ps.setBoolean(7, u.admin());
      ps.setLong(8, u.createdAt());
      if (ps.executeUpdate() != 1) {
        return false;
      }
    }
    // Everyone is in the default organization from the start (administrators own it).
    update(c, "INSERT INTO organization_members (org_id, user_id, role) VALUES (?, ?, ?)", DocumentCatalog.DEFAULT_ORG,
        u.id(), (u.admin() ? OrgRole.OWNER : OrgRole.MEMBER).key());
    return true;
  }

  /** Runs {@code work} in one transaction, committed only if it answers true. */
  static boolean inTransaction(Connection c, JdbcCatalog.Work<Boolean> work) throws SQLException {
    boolean auto = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      boolean ok = work.run(c);
      if (ok) {
        c.commit();
      } else {
        c.rollback();
      }
      return ok;
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(auto);
    }
  }

  /** In one transaction: the user, then the set-up row (its primary key lets only one through). */
  static boolean addFirstAdmin(Connection c, User u) throws SQLException {
    return inTransaction(c, t -> {
      if (!addUser(t, u)) {
        return false;
      }
      try (PreparedStatement ps = t.prepareStatement(
          "INSERT INTO setup (id, user_id) VALUES (1, ?) ON CONFLICT DO NOTHING")) {
        ps.setString(1, u.id());
        return ps.executeUpdate() == 1;
      }
    });
  }

  static boolean setupDone(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM setup");
        ResultSet rs = ps.executeQuery()) {
      return rs.next();
    }
  }

  static Optional<User> user(Connection c, String column, String value) throws SQLException {
    return rows(c, "SELECT " + USER + " FROM users WHERE " + column + " = ?", rs -> new User(rs.getString(1),
        rs.getString(2), rs.getString(3), rs.getString(4), rs.getBoolean(5), rs.getLong(6)), value).stream().findFirst();
  }

  static int update(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      return ps.executeUpdate();
    }
  }

  /** The single number a query answers (a count). */
  static int count(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private static void bind(PreparedStatement ps, Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      if (args[i] instanceof Long l) {
        ps.setLong(i + 1, l);
      } else {
        ps.setString(i + 1, (String) args[i]);
      }
    }
  }

  static Optional<Session> session(Connection c, String idHash) throws SQLException {
    return rows(c, "SELECT id_hash, user_id, created_at, seen_at FROM sessions WHERE id_hash = ?",
        rs -> new Session(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4)), idHash).stream().findFirst();
  }

  /** Reads one object per row. */
  @FunctionalInterface
  interface Row<T> {
    T read(ResultSet rs) throws SQLException;
  }

  /** The rows of a query with string arguments, each read by {@code row}. */
  static <T> List<T> rows(Connection c, String sql, Row<T> row, String... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, (Object[]) args);
      List<T> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(row.read(rs));
        }
      }
      return out;
    }
  }

  static List<String> strings(Connection c, String sql, String arg) throws SQLException {
    return rows(c, sql, rs -> rs.getString(1), arg);
  }

  static int addToken(Connection c, Token t, String hash) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO api_tokens (id, hash, user_id, name, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, t.id());
      ps.setString(2, hash);
      ps.setString(3, t.userId());
      ps.setString(4, t.name());
      ps.setLong(5, t.createdAt());
      if (t.expiresAt() == null) {
        ps.setNull(6, java.sql.Types.BIGINT);
      } else {
        ps.setLong(6, t.expiresAt());
      }
      return ps.executeUpdate();
    }
  }

  static List<Token> tokens(Connection c, String where, String arg) throws SQLException {
    return rows(c, "SELECT id, user_id, name, created_at, expires_at FROM api_tokens WHERE " + where
        + " = ? ORDER BY created_at, id", rs -> {
          long expires = rs.getLong(5);
          Long expiresAt = rs.wasNull() ? null : expires;
          return new Token(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), expiresAt);
        }, arg);
  }

  static void setRole(Connection c, String docId, String userId, Role role) throws SQLException {
    update(c, "INSERT INTO document_roles (doc_id, user_id, role) VALUES (?, ?, ?) "
        + "ON CONFLICT (doc_id, user_id) DO UPDATE SET role = excluded.role", docId, userId, role.key());
  }

  /** (document, person, role) for everyone who came in through a live link. */
  static final String LINKED = "SELECT l.doc_id, m.user_id, l.role FROM share_links l "
      + "JOIN share_link_members m ON m.link_id = l.id";

  /**
   * The strongest of: the role given to the person, those of the live links they came in through,
   * and the document's general access if they are a member of its organization. Being an owner or
   * admin of the organization gives nothing here.
   */
  static Optional<Role> role(Connection c, String docId, String userId) throws SQLException {
    return rows(c, "SELECT role FROM document_roles WHERE doc_id = ? AND user_id = ? UNION ALL "
        + "SELECT l.role FROM share_links l JOIN share_link_members m ON m.link_id = l.id WHERE l.doc_id = ? AND m.user_id = ?"
        + " UNION ALL SELECT d.general_access FROM documents d JOIN organization_members o ON o.org_id = d.org_id"
        + " WHERE d.id = ? AND o.user_id = ? AND d.general_access <> 'none'",
        rs -> Role.of(rs.getString(1)), docId, userId, docId, userId, docId, userId).stream().reduce(Role::max);
  }

  static List<Grant> grants(Connection c, String where, String arg) throws SQLException {
    return rows(c, "SELECT doc_id, user_id, role FROM document_roles WHERE " + where + " = ? ORDER BY doc_id, user_id",
        rs -> new Grant(rs.getString(1), rs.getString(2), Role.of(rs.getString(3))), arg);
  }

  static List<Grant> grantsTo(Connection c, String userId) throws SQLException {
    return rows(c, "SELECT doc_id, user_id, role FROM document_roles WHERE user_id = ? UNION ALL "
        + LINKED + " WHERE m.user_id = ? ORDER BY 1, 2",
        rs -> new Grant(rs.getString(1), rs.getString(2), Role.of(rs.getString(3))), userId, userId);
  }

  static List<Link> links(Connection c, String where, String arg) throws SQLException {
    return rows(c, "SELECT id, doc_id, role, created_by, created_at FROM share_links WHERE " + where
        + " = ? ORDER BY created_at, id",
        rs -> new Link(rs.getString(1), rs.getString(2), Role.of(rs.getString(3)), rs.getString(4), rs.getLong(5)), arg);
  }
}
