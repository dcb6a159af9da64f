package dev.quire.server.store.jdbc;

import dev.quire.server.auth.AccountStore.Member;
import dev.quire.server.auth.AccountStore.Organization;
import dev.quire.server.auth.OrgRole;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The organization statements (as {@link AccountSql}). The rule that an organization keeps an
 * owner is in the statements' WHERE clauses, so a refused change changes nothing.
 */
final class OrgSql {
  private OrgSql() {}

  /** True unless the member is the organization's only owner (arguments: org id, user id). */
  private static final String NOT_LAST_OWNER = "(role <> 'owner' OR EXISTS (SELECT 1 FROM organization_members o "
      + "WHERE o.org_id = ? AND o.role = 'owner' AND o.user_id <> ?))";

  /** The organization, then its owner; call in a transaction. */
  static boolean add(Connection c, Organization org, String ownerId) throws SQLException {
    if (AccountSql.update(c, "INSERT INTO organizations (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        org.id(), org.name(), org.createdAt()) != 1) {
      return false;
    }
    return AccountSql.update(c, "INSERT INTO organization_members (org_id, user_id, role) VALUES (?, ?, ?)",
        org.id(), ownerId, OrgRole.OWNER.key()) == 1;
  }

  static Optional<Organization> organization(Connection c, String orgId) throws SQLException {
    return AccountSql.rows(c, "SELECT id, name, created_at FROM organizations WHERE id = ?",
        rs -> new Organization(rs.getString(1), rs.getString(2), rs.getLong(3)), orgId).stream().findFirst();
  }

  static java.util.List<Member> members(Connection c, String column, String value) throws SQLException {
    return AccountSql.rows(c, "SELECT org_id, user_id, role FROM organization_members WHERE " + column
        + " = ? ORDER BY org_id, user_id", rs -> new Member(rs.getString(1), rs.getString(2), OrgRole.of(rs.getString(3))),
        value);
  }

  static Optional<OrgRole> role(Connection c, String orgId, String userId) throws SQLException {
    return AccountSql.rows(c, "SELECT role FROM organization_members WHERE org_id = ? AND user_id = ?",
        rs -> OrgRole.of(rs.getString(1)), orgId, userId).stream().findFirst();
  }

  static boolean setRole(Connection c, String orgId, String userId, OrgRole role) throws SQLException {
    if (role == OrgRole.OWNER) {
      return AccountSql.update(c, "UPDATE organization_members SET role = ? WHERE org_id = ? AND user_id = ?",
          role.key(), orgId, userId) == 1;
    }
    return AccountSql.update(c, "UPDATE organization_members SET role = ? WHERE org_id = ? AND user_id = ? AND "
        + NOT_LAST_OWNER, role.key(), orgId, userId, orgId, userId) == 1;
  }

  static boolean remove(Connection c, String orgId, String userId) throws SQLException {
    return AccountSql.update(c, "DELETE FROM organization_members WHERE org_id = ? AND user_id = ? AND "
        + NOT_LAST_OWNER, orgId, userId, orgId, userId) == 1;
  }
}
