package dev.quire.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quire.server.bus.InProcessBus;
import dev.quire.server.store.sqlite.SqliteStore;
import dev.quire.server.testing.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sessions end when idle too long or too old; tokens until revoked; passwords are Argon2id. */
class AccountsTest {
  private static final String PASSWORD = "correct horse battery";

  @TempDir Path dir;
  private SqliteStore store;
  private Accounts accounts;

  private final ManualClock clock = new ManualClock(1_000_000);

  @BeforeEach
  void open() {
    store = SqliteStore.open(dir.resolve("data"));
    accounts = new Accounts(store.accounts(), new InProcessBus(), clock, true, Duration.ofHours(1),
        Duration.ofHours(10), new LoginThrottle(store.accounts(), 5, 50, Duration.ofMinutes(15), clock));
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void aSessionUnusedForTheIdleTimeoutEnds() {
    String s = accounts.signup("ann", null, PASSWORD).secret();
    clock.advance(Duration.ofMinutes(59).toMillis());
    assertTrue(accounts.bySession(s).isPresent(), "used within the idle timeout");
    clock.advance(Duration.ofMinutes(59).toMillis());
    assertTrue(accounts.bySession(s).isPresent(), "its use a minute ago restarted the idle clock");
    clock.advance(Duration.ofMinutes(61).toMillis());
    assertTrue(accounts.bySession(s).isEmpty());
    assertTrue(store.accounts().session(Secrets.hash(s)).isEmpty(), "and is removed from the store");
  }

  @Test
  void aSessionInUseEndsAtItsMaximumAge() {
    String s = accounts.signup("ann", null, PASSWORD).secret();
    for (int i = 0; i < 19; i++) {
      clock.advance(Duration.ofMinutes(30).toMillis());
      assertTrue(accounts.bySession(s).isPresent(), "after " + (i + 1) * 30 + " minutes");
    }
    clock.advance(Duration.ofMinutes(31).toMillis());
    assertTrue(accounts.bySession(s).isEmpty(), "older than 10 hours");
  }

  @Test
  void aRevokedTokenIsRefusedAtOnceDespiteTheCache() {
    String user = accounts.signup("ann", null, PASSWORD).user().id();
    Accounts.NewToken t = accounts.createToken(user, "ci");
    assertEquals("ann", accounts.byToken(t.secret()).orElseThrow().name());
    accounts.revokeToken(user, t.token().id());
    assertTrue(accounts.byToken(t.secret()).isEmpty());
    AuthException e = assertThrows(AuthException.class, () -> accounts.revokeToken(user, t.token().id()));
    assertEquals(AuthException.Problem.NOT_FOUND, e.problem());
  }

  @Test
  void anExpiredTokenIsRefusedEvenFromTheCache() {
    String user = accounts.signup("ann", null, PASSWORD).user().id();
    Accounts.NewToken t = accounts.createToken(user, "ci", Duration.ofHours(1));
    assertEquals(clock.millis() + Duration.ofHours(1).toMillis(), t.token().expiresAt());
    assertEquals("ann", accounts.byToken(t.secret()).orElseThrow().name());
    clock.advance(Duration.ofHours(1).toMillis() - 1);
    assertTrue(accounts.byToken(t.secret()).isPresent(), "a moment before it expires");
    clock.advance(1);
    assertTrue(accounts.byToken(t.secret()).isEmpty(), "at its expiry, though cached a moment ago");
    assertTrue(accounts.tokens(user).get(0).expired(clock.millis()), "listed, as expired, until removed");
    Accounts.NewToken forever = accounts.createToken(user, "ops");
    clock.advance(Duration.ofDays(3650).toMillis());
    assertTrue(accounts.byToken(forever.secret()).isPresent(), "without an expiry a token works until revoked");
    for (Duration bad : new Duration[] {Duration.ZERO, Duration.ofSeconds(-1), Duration.ofDays(3651)}) {
      AuthException e = assertThrows(AuthException.class, () -> accounts.createToken(user, "x", bad), bad.toString());
      assertEquals(AuthException.Problem.BAD_INPUT, e.problem());
    }
  }

  @Test
  void passwordsAreStoredAsArgon2idHashes() {
    String id = accounts.signup("ann", null, PASSWORD).user().id();
    String hash = store.accounts().userById(id).orElseThrow().passwordHash();
    assertTrue(hash.startsWith("$argon2id$"), hash);
    assertTrue(!hash.contains(PASSWORD));
  }

  @Test
  void malformedSecretsAreRefusedBeforeAnyLookup() {
    for (String s : new String[] {null, "", "short", "x".repeat(43) + "y", "../../etc/passwd", "a".repeat(42) + "\u0000"}) {
      assertTrue(accounts.bySession(s).isEmpty(), String.valueOf(s));
      assertTrue(accounts.byToken(s).isEmpty(), String.valueOf(s));
    }
  }
}
