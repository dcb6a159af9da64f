package dev.quire.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quire.server.bus.InProcessBus;
import dev.quire.server.store.sqlite.SqliteStore;
import dev.quire.server.testing.Await;
import dev.quire.server.testing.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Permissions#knows} says exactly when {@link Permissions#role} would answer without the
 * store — the protocol relies on it to keep store reads off Jetty's threads: not before the first
 * read, yes after it, no again once the role is older than the cache's lifetime or the document's
 * roles changed.
 */
class PermissionsTest {
  @TempDir Path dir;
  private SqliteStore store;
  private final ManualClock clock = new ManualClock(1_000_000);

  @BeforeEach
  void open() {
    store = SqliteStore.open(dir.resolve("data"));
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void knowsARoleOnlyWhileItIsHeldAndFresh() {
    InProcessBus bus = new InProcessBus();
    Accounts accounts = new Accounts(store.accounts(), bus, clock, true, Duration.ofHours(1), Duration.ofHours(10),
        new LoginThrottle(store.accounts(), 5, 50, Duration.ofMinutes(15), clock));
    String ann = accounts.signup("ann", null, "correct horse battery").user().id();
    Principal p = new Principal(ann, "ann", false, null, null);
    Permissions permissions = new Permissions(store.accounts(), bus, clock);
    permissions.grant("doc1", ann, Role.EDITOR);

    assertFalse(permissions.knows(p, "doc1"), "never read");
    assertEquals(Role.EDITOR, permissions.role(p, "doc1"));
    assertTrue(permissions.knows(p, "doc1"));
    assertFalse(permissions.knows(p, "doc2"), "another document");
    assertNull(permissions.role(p, "doc2"));
    assertTrue(permissions.knows(p, "doc2"), "no role is known too");

    clock.advance(Permissions.CACHE_MILLIS);
    assertTrue(permissions.knows(p, "doc1"), "at the end of the cache's lifetime");
    clock.advance(1);
    assertFalse(permissions.knows(p, "doc1"), "past it");
    assertEquals(Role.EDITOR, permissions.role(p, "doc1"));
    assertTrue(permissions.knows(p, "doc1"), "read again");

    permissions.grant("doc1", ann, Role.VIEWER);
    Await.until(() -> !permissions.knows(p, "doc1"), "the change of roles drops what was held");
    assertEquals(Role.VIEWER, permissions.role(p, "doc1"));
    assertTrue(permissions.knows(null, "doc1"), "open mode's null principal needs no store");
  }
}
