package dev.quire.server.auth;

import dev.quire.server.auth.AccountStore.Grant;
import dev.quire.server.bus.Bus;
import dev.quire.server.protocol.Access;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Document roles, answered from memory: each (document, person) role is read from the store once
 * and kept for up to {@link #CACHE_MILLIS}. A change of roles on a document (share, unshare, a
 * new role) is published on the bus channel {@link #CHANNEL}; every server drops what it holds
 * for that document at once, so the next message of any open connection sees the new role, and
 * is told (through {@code onChanged}) so it can tell its connections. The cache lifetime bounds
 * how long a change lost with a Redis outage goes unseen; a reconnection of the bus drops all.
 *
 * <p>A role can also come from a document's general access to the members of its organization,
 * so a change of a document's general access is a change of its roles like any other, and a
 * change of a person's memberships (removed, or gone) is published on {@link #MEMBERS_CHANNEL}
 * with their user id: every server drops what it holds for that person, on every document, and
 * is told (through {@code onMemberChanged}) so it can re-check that person's connections.
 */
public final class Permissions implements Access {
  public static final String CHANNEL = "quire.roles";
  public static final String MEMBERS_CHANNEL = "quire.members";
  static final long CACHE_MILLIS = 30_000;
  static final int MAX_DOCS = 100_000;

  private record Cached(Optional<Role> role, long at) {}

  private final AccountStore store;
  private final Bus bus;
  private final Clock clock;
  private final Map<String, Map<String, Cached>> cache = new ConcurrentHashMap<>();
  private volatile Consumer<String> onChanged = d -> {};
  private volatile Consumer<String> onMemberChanged = u -> {};

  public Permissions(AccountStore store, Bus bus, Clock clock) {
    this.store = store;
    this.bus = bus;
    this.clock = clock;
    bus.subscribe(CHANNEL, (channel, docId) -> changed(docId));
    bus.subscribe(MEMBERS_CHANNEL, (channel, userId) -> memberChanged(userId));
    bus.onReconnect(cache::clear);
  }

  /** Told the id of each document whose roles changed (here or on another server). */
  public void onChanged(Consumer<String> listener) {
    this.onChanged = listener;
  }

  /** Told the user id of each person whose organization memberships changed (here or on another server). */
  public void onMemberChanged(Consumer<String> listener) {
    this.onMemberChanged = listener;
  }

  @Override
  public boolean knows(Principal principal, String docId) {
    if (principal == null) {
      return true;
    }
    return fresh(principal, docId, clock.millis()) != null;
  }

  /** The role held for {@code principal} on {@code docId}, unless there is none or it is too old. */
  private Cached fresh(Principal principal, String docId, long now) {
    Map<String, Cached> roles = cache.get(docId);
    Cached c = roles == null ? null : roles.get(principal.userId());
    return c == null || now - c.at() > CACHE_MILLIS ? null : c;
  }

  @Override
  public Role role(Principal principal, String docId) {
    if (principal == null) {
      return null;
    }
    long now = clock.millis();
    Cached c = fresh(principal, docId, now);
    if (c == null) {
      if (cache.size() >= MAX_DOCS) {
        cache.clear();
      }
      c = new Cached(store.role(docId, principal.userId()), now);
      cache.computeIfAbsent(docId, k -> new ConcurrentHashMap<>()).put(principal.userId(), c);
    }
    return c.role().orElse(null);
  }

  /** Gives a person a role on a document (replacing the one they had), everywhere at once. */
  public void grant(String docId, String userId, Role role) {
    store.setRole(docId, userId, role);
    publish(docId);
  }

  /** Takes a person's role on a document away, everywhere at once; false if they had none. */
  public boolean revoke(String docId, String userId) {
    boolean removed = store.removeRole(docId, userId);
    publish(docId);
    return removed;
  }

  /**
   * Sets what every member of the document's organization may do with it (viewer, commenter,
   * editor; null for nothing), everywhere at once; false if the document is unknown.
   */
  public boolean setGeneralAccess(String docId, Role access) {
    boolean set = store.setGeneralAccess(docId, access);
    publish(docId);
    return set;
  }

  /**
   * A person's memberships changed (removed from an organization, or a role in one changed): every
   * server forgets their roles, and their open connections are checked again at once.
   */
  public void membershipChanged(String userId) {
    memberChanged(userId); // this server at once, even with the bus away
    bus.publish(MEMBERS_CHANNEL, userId);
  }

  /** A new share link giving {@code role} (viewer or editor) on a document: its secret, shown once, and its listing. */
  public record NewLink(String secret, AccountStore.Link link) {}

  public NewLink createLink(String docId, Role role, String byUserId) {
    String secret = Secrets.random();
    AccountStore.Link link = new AccountStore.Link(Secrets.id(), docId, role, byUserId, clock.millis());
    store.addLink(link, Secrets.hash(secret));
    return new NewLink(secret, link);
  }

  /** A signed-in person opens a link: from now on they have its role, while it lives. Empty if it is not live. */
  public Optional<AccountStore.Link> redeem(String secret, String userId) {
    if (!Secrets.wellFormed(secret)) {
      return Optional.empty();
    }
    Optional<AccountStore.Link> link = store.linkByHash(Secrets.hash(secret));
    link.ifPresent(l -> {
      store.addLinkMember(l.id(), userId);
      publish(l.docId());
    });
    return link;
  }

  public List<AccountStore.Link> links(String docId) {
    return store.linksOf(docId);
  }

  /** Revokes a link: everyone who came through it loses that access, at once, everywhere. */
  public boolean revokeLink(String docId, String linkId) {
    boolean removed = store.removeLink(docId, linkId);
    publish(docId);
    return removed;
  }

  public List<Grant> grantsOf(String docId) {
    return store.grantsOf(docId);
  }

  public List<Grant> grantsTo(String userId) {
    return store.grantsTo(userId);
  }

  private void publish(String docId) {
    changed(docId); // this server at once, even with the bus away
    bus.publish(CHANNEL, docId);
  }

  private void memberChanged(String userId) {
    cache.values().forEach(roles -> roles.remove(userId));
    onMemberChanged.accept(userId);
  }

  private void changed(String docId) {
    cache.remove(docId);
    onChanged.accept(docId);
  }
}
