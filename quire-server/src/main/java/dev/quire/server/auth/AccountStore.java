package dev.quire.server.auth;

import java.util.List;
import java.util.Optional;

/**
 * Where people, their sessions and API tokens, and document roles are kept: the embedded SQLite
 * store or PostgreSQL in cluster mode (both {@code store.jdbc.JdbcAccounts}), each passing the
 * contract tests {@code AccountStoreContract}. Names and emails are matched case-insensitively
 * (callers pass them as typed; the store compares their lower-case keys). Secrets never reach
 * the store: sessions and tokens are kept by the SHA-256 of their value.
 */
public interface AccountStore {

  /** A person. {@code email} may be null. */
  record User(String id, String name, String email, String passwordHash, boolean admin, long createdAt) {}

  /** A signed-in browser: the hash of its cookie's value, whose it is, and when it was made and last used. */
  record Session(String idHash, String userId, long createdAt, long seenAt) {}

  /**
   * An API token, as listed: a public id (not the secret), its owner, a name, when it was made and
   * when it stops working ({@code expiresAt}; null: when revoked).
   */
  record Token(String id, String userId, String name, long createdAt, Long expiresAt) {
    /** A token that works until it is revoked. */
    public Token(String id, String userId, String name, long createdAt) {
      this(id, userId, name, createdAt, null);
    }

    /** Whether the token has stopped working by {@code now}. */
    public boolean expired(long now) {
      return expiresAt != null && now >= expiresAt;
    }
  }

  /** One person's role on one document. */
  record Grant(String docId, String userId, Role role) {}

  /** A share link (listed by its public id; the secret is never stored). */
  record Link(String id, String docId, Role role, String createdBy, long createdAt) {}

  /** An organization: every document belongs to one. */
  record Organization(String id, String name, long createdAt) {}

  /** One person's role in one organization. */
  record Member(String orgId, String userId, OrgRole role) {}

  /**
   * Adds a person, a member of the default organization (an administrator as its owner); false,
   * changing nothing, when the id, name or email is taken.
   */
  boolean addUser(User user);

  /**
   * Adds the first administrator (an owner of the default organization), once: false, changing
   * nothing, if the set-up was done already (by anyone, on any server) or the name is taken.
   */
  boolean addFirstAdmin(User user);

  /** Whether the first administrator was made (the set-up link is then dead). */
  boolean setupDone();

  Optional<User> userById(String id);

  Optional<User> userByName(String name);

  Optional<User> userByEmail(String email);

  boolean setPassword(String userId, String passwordHash);

  void addSession(Session session);

  Optional<Session> session(String idHash);

  /** Records use of a session; false when it is gone. */
  boolean touchSession(String idHash, long seenAt);

  boolean removeSession(String idHash);

  /** Removes every session of a person; returns the hashes removed. */
  List<String> removeSessionsOf(String userId);

  void addToken(Token token, String hash);

  /** The token whose secret hashes to {@code hash}. */
  Optional<Token> tokenByHash(String hash);

  List<Token> tokensOf(String userId);

  /** Removes a person's token by its public id; returns its hash, or empty if there is none. */
  Optional<String> removeToken(String userId, String tokenId);

  /** Gives {@code userId} {@code role} on {@code docId}, replacing any role it had. */
  void setRole(String docId, String userId, Role role);

  /**
   * The person's role on a document: the strongest of the one given to them and those of the
   * live share links they came in through.
   */
  Optional<Role> role(String docId, String userId);

  boolean removeRole(String docId, String userId);

  /** Everyone with a role on a document. */
  List<Grant> grantsOf(String docId);

  /** Every document a person has a role on, directly or through a live link (one entry per way in). */
  List<Grant> grantsTo(String userId);

  void addLink(Link link, String hash);

  Optional<Link> linkByHash(String hash);

  List<Link> linksOf(String docId);

  /** Removes a document's link, and with it the access of everyone who came through it. */
  boolean removeLink(String docId, String linkId);

  /** Records that a person came in through a link (once). */
  void addLinkMember(String linkId, String userId);

  /**
   * Sets what every member of a document's organization may do with it (null: nothing more than
   * their own roles give). False if the catalog does not know the document.
   */
  boolean setGeneralAccess(String docId, Role access);

  /** Adds an organization with {@code ownerId} as its owner, in one transaction; false if the id is taken. */
  boolean addOrganization(Organization org, String ownerId);

  Optional<Organization> organization(String orgId);

  boolean renameOrganization(String orgId, String name);

  /** The organizations a person is a member of, with their role in each. */
  List<Member> membershipsOf(String userId);

  /** The members of an organization. */
  List<Member> membersOf(String orgId);

  Optional<OrgRole> orgRole(String orgId, String userId);

  /** Adds a person to an organization; false, changing nothing, if they are a member already. */
  boolean addMember(String orgId, String userId, OrgRole role);

  /**
   * Changes a member's role; false, changing nothing, if they are not a member or are the
   * organization's last owner and would stop being one.
   */
  boolean setMemberRole(String orgId, String userId, OrgRole role);

  /** Removes a member; false, changing nothing, if they are not a member or are its last owner. */
  boolean removeMember(String orgId, String userId);

  /**
   * Records one failed login under each of {@code keys} at {@code at}, and forgets every failure
   * recorded at or before {@code forgetUpTo} (under any key).
   */
  void addLoginFailure(List<String> keys, long at, long forgetUpTo);

  /** The number of failed logins recorded under {@code key} after {@code since}. */
  int loginFailures(String key, long since);

  /** Forgets the failed logins recorded under {@code key}. */
  void clearLoginFailures(String key);
}
