package dev.quire.server.store.jdbc;

import dev.quire.server.auth.AccountStore;
import dev.quire.server.auth.OrgRole;
import dev.quire.server.auth.Role;
import dev.quire.server.store.jdbc.JdbcCatalog.Runner;
import dev.quire.server.store.jdbc.JdbcCatalog.Work;
import java.util.List;
import java.util.Optional;

/**
 * Accounts on a store's own connections, run as the catalog's are ({@link JdbcCatalog}): on
 * SQLite, writes queue for the single writer; on PostgreSQL, a statement whose connection was
 * lost is run once more on a fresh one (an insert that then finds its own row reports "taken",
 * which callers treat as a refusal the person can retry).
 */
public final class JdbcAccounts implements AccountStore {
  private final Runner reads;
  private final Runner writes;

  public JdbcAccounts(Runner reads, Runner writes) {
    this.reads = reads;
    this.writes = writes;
  }

  @Override
  public boolean addUser(User user) {
    return write("add user " + user.name(), c -> AccountSql.inTransaction(c, t -> AccountSql.addUser(t, user)));
  }

  @Override
  public boolean addFirstAdmin(User user) {
    return write("add the first administrator", c -> AccountSql.addFirstAdmin(c, user));
  }

  @Override
  public boolean setupDone() {
    return read("read the set-up state", AccountSql::setupDone);
  }

  @Override
  public Optional<User> userById(String id) {
    return read("read a user", c -> AccountSql.user(c, "id", id));
  }

  @Override
  public Optional<User> userByName(String name) {
    return read("read a user", c -> AccountSql.user(c, "name_key", AccountSql.key(name)));
  }

  @Override
  public Optional<User> userByEmail(String email) {
    return read("read a user", c -> AccountSql.user(c, "email_key", AccountSql.key(email)));
  }

  @Override
  public boolean setPassword(String userId, String passwordHash) {
    return write("set a password",
        c -> AccountSql.update(c, "UPDATE users SET password_hash = ? WHERE id = ?", passwordHash, userId) == 1);
  }

  @Override
  public void addSession(Session s) {
    write("add a session", c -> AccountSql.update(c, "INSERT INTO sessions (id_hash, user_id, created_at, seen_at) "
        + "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING", s.idHash(), s.userId(), s.createdAt(), s.seenAt()));
  }

  @Override
  public Optional<Session> session(String idHash) {
    return read("read a session", c -> AccountSql.session(c, idHash));
  }

  @Override
  public boolean touchSession(String idHash, long seenAt) {
    return write("touch a session", c -> AccountSql.update(c,
        "UPDATE sessions SET seen_at = ? WHERE id_hash = ? AND seen_at < ?", seenAt, idHash, seenAt) == 1);
  }

  @Override
  public boolean removeSession(String idHash) {
    return write("remove a session", c -> AccountSql.update(c, "DELETE FROM sessions WHERE id_hash = ?", idHash) == 1);
  }

  @Override
  public List<String> removeSessionsOf(String userId) {
    return write("remove a user's sessions", c -> {
      List<String> hashes = AccountSql.strings(c, "SELECT id_hash FROM sessions WHERE user_id = ?", userId);
      AccountSql.update(c, "DELETE FROM sessions WHERE user_id = ?", userId);
      return hashes;
    });
  }

  @Override
  public void addToken(Token t, String hash) {
    write("add an API token", c -> AccountSql.addToken(c, t, hash));
  }

  @Override
  public Optional<Token> tokenByHash(String hash) {
    return read("read an API token", c -> AccountSql.tokens(c, "hash", hash).stream().findFirst());
  }

  @Override
  public List<Token> tokensOf(String userId) {
    return read("list API tokens", c -> AccountSql.tokens(c, "user_id", userId));
  }

  @Override
  public Optional<String> removeToken(String userId, String tokenId) {
    return write("remove an API token", c -> {
      List<String> hash = AccountSql.strings(c, "SELECT hash FROM api_tokens WHERE id = ?", tokenId);
      if (hash.isEmpty() || AccountSql.update(c, "DELETE FROM api_tokens WHERE id = ? AND user_id = ?",
          tokenId, userId) != 1) {
        return Optional.empty();
      }
      return Optional.of(hash.get(0));
    });
  }

  @Override
  public void setRole(String docId, String userId, Role role) {
    write("set a role on " + docId, c -> {
      AccountSql.setRole(c, docId, userId, role);
      return null;
    });
  }

  @Override
  public Optional<Role> role(String docId, String userId) {
    return read("read a role on " + docId, c -> AccountSql.role(c, docId, userId));
  }

  @Override
  public boolean removeRole(String docId, String userId) {
    return write("remove a role on " + docId, c -> AccountSql.update(c,
        "DELETE FROM document_roles WHERE doc_id = ? AND user_id = ?", docId, userId) == 1);
  }

  @Override
  public List<Grant> grantsOf(String docId) {
    return read("list the roles on " + docId, c -> AccountSql.grants(c, "doc_id", docId));
  }

  @Override
  public List<Grant> grantsTo(String userId) {
    return read("list the documents shared with a user", c -> AccountSql.grantsTo(c, userId));
  }

  @Override
  public void addLink(Link l, String hash) {
    write("add a share link to " + l.docId(), c -> AccountSql.update(c, "INSERT INTO share_links "
        + "(id, hash, doc_id, role, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        l.id(), hash, l.docId(), l.role().key(), l.createdBy(), l.createdAt()));
  }

  @Override
  public Optional<Link> linkByHash(String hash) {
    return read("read a share link", c -> AccountSql.links(c, "hash", hash).stream().findFirst());
  }

  @Override
  public List<Link> linksOf(String docId) {
    return read("list the share links of " + docId, c -> AccountSql.links(c, "doc_id", docId));
  }

  @Override
  public boolean removeLink(String docId, String linkId) {
    // Members first, explicitly: SQLite enforces no foreign key (nor its ON DELETE CASCADE) by default.
    return write("remove a share link of " + docId, c -> {
      AccountSql.update(c, "DELETE FROM share_link_members WHERE link_id IN "
          + "(SELECT id FROM share_links WHERE id = ? AND doc_id = ?)", linkId, docId);
      return AccountSql.update(c, "DELETE FROM share_links WHERE id = ? AND doc_id = ?", linkId, docId) == 1;
    });
  }

  @Override
  public void addLinkMember(String linkId, String userId) {
    write("join a share link", c -> AccountSql.update(c,
        "INSERT INTO share_link_members (link_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING", linkId, userId));
  }

  @Override
  public boolean setGeneralAccess(String docId, Role access) {
    return write("set the general access of " + docId, c -> AccountSql.update(c,
        "UPDATE documents SET general_access = ? WHERE id = ?", Role.accessKey(access), docId) == 1);
  }

  @Override
  public boolean addOrganization(Organization org, String ownerId) {
    return write("add organization " + org.id(), c -> AccountSql.inTransaction(c, t -> OrgSql.add(t, org, ownerId)));
  }

  @Override
  public Optional<Organization> organization(String orgId) {
    return read("read organization " + orgId, c -> OrgSql.organization(c, orgId));
  }

  @Override
  public boolean renameOrganization(String orgId, String name) {
    return write("rename organization " + orgId,
        c -> AccountSql.update(c, "UPDATE organizations SET name = ? WHERE id = ?", name, orgId) == 1);
  }

  @Override
  public List<Member> membershipsOf(String userId) {
    return read("list the organizations of a user", c -> OrgSql.members(c, "user_id", userId));
  }

  @Override
  public List<Member> membersOf(String orgId) {
    return read("list the members of " + orgId, c -> OrgSql.members(c, "org_id", orgId));
  }

  @Override
  public Optional<OrgRole> orgRole(String orgId, String userId) {
    return read("read a role in " + orgId, c -> OrgSql.role(c, orgId, userId));
  }

  @Override
  public boolean addMember(String orgId, String userId, OrgRole role) {
    return write("add a member to " + orgId, c -> AccountSql.update(c, "INSERT INTO organization_members "
        + "(org_id, user_id, role) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", orgId, userId, role.key()) == 1);
  }

  @Override
  public boolean setMemberRole(String orgId, String userId, OrgRole role) {
    return write("change a role in " + orgId, c -> OrgSql.setRole(c, orgId, userId, role));
  }

  @Override
  public boolean removeMember(String orgId, String userId) {
    return write("remove a member of " + orgId, c -> OrgSql.remove(c, orgId, userId));
  }

  @Override
  public void addLoginFailure(List<String> keys, long at, long forgetUpTo) {
    write("record a failed login", c -> {
      AccountSql.update(c, "DELETE FROM login_failures WHERE at <= ?", forgetUpTo);
      for (String key : keys) {
        AccountSql.update(c, "INSERT INTO login_failures (key, at) VALUES (?, ?)", key, at);
      }
      return null;
    });
  }

  @Override
  public int loginFailures(String key, long since) {
    return read("count failed logins", c -> AccountSql.count(c, "SELECT count(*) FROM login_failures WHERE key = ? AND at > ?",
        key, since));
  }

  @Override
  public void clearLoginFailures(String key) {
    write("forget failed logins", c -> AccountSql.update(c, "DELETE FROM login_failures WHERE key = ?", key));
  }

  private <T> T read(String what, Work<T> work) {
    return reads.call(what, work);
  }

  private <T> T write(String what, Work<T> work) {
    return writes.call(what, work);
  }
}
