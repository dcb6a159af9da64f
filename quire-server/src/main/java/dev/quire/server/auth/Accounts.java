package dev.quire.server.auth;

import dev.quire.server.auth.AccountStore.Session;
import dev.quire.server.auth.AccountStore.Token;
import dev.quire.server.auth.AccountStore.User;
import dev.quire.server.auth.AuthException.Problem;
import dev.quire.server.bus.Bus;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accounts, sessions and API tokens: sign-up, login, logout, password change, the one-time
 * first-administrator link, and finding the {@link Principal} behind a cookie or a token.
 *
 * <p>Sessions and tokens are cached in memory for at most {@link #CACHE_MILLIS}, so a request does
 * not read the store each time. A revocation (logout, password change, token revoked) is published
 * on the bus channel {@link #CHANNEL}: every server drops the entry at once and closes the
 * WebSockets it opened (through {@code onRevoked}). The bus delivers at most once, so the cache
 * lifetime bounds how long a revocation lost with a Redis outage can go unseen; on the bus's
 * reconnection every cache is dropped too.
 */
public final class Accounts {
  private static final Logger log = LoggerFactory.getLogger(Accounts.class);
  public static final String CHANNEL = "quire.auth";
  static final long CACHE_MILLIS = 30_000;
  /** A session's last use is written at most this often (not on every request), or a quarter of the idle timeout. */
  static final long TOUCH_MILLIS = 60_000;
  /** Names: letters, digits and . _ -, starting with a letter or digit; ASCII, so no look-alikes. */
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,39}");
  static final Pattern EMAIL = Pattern.compile("[^\\s@\\p{Cntrl}]{1,64}@[A-Za-z0-9.-]{1,190}\\.[A-Za-z]{2,24}");
  static final int MAX_TOKEN_NAME = 100;

  /** What the server does when a session, a person's sessions or a token is revoked. */
  public interface Revocations {
    /** Close the connections opened with this session (by hash) or token (by hash), or of this user. */
    void revoked(String sessionHash, String tokenHash, String userId);
  }

  /** A new session: the cookie's value (to send once) and whose it is. */
  public record NewSession(String secret, User user) {}

  /** A new API token: the secret (shown once) and its listing. */
  public record NewToken(String secret, Token token) {}

  /** A principal as cached, with its session (for sessions) or the time its token expires (null: never). */
  private record Cached(Principal principal, Session session, long fetchedAt, Long expiresAt) {
    Cached(Principal principal, Session session, long fetchedAt) {
      this(principal, session, fetchedAt, null);
    }
  }

  /** The longest an API token may be made to last: beyond that, "until revoked" says it better. */
  public static final Duration MAX_TOKEN_LIFETIME = Duration.ofDays(3650);

  private final AccountStore store;
  private final Bus bus;
  private final Clock clock;
  private final boolean signupOpen;
  private final long idleMillis;
  private final long maxAgeMillis;
  private final LoginThrottle throttle;
  private final Map<String, Cached> sessions = new ConcurrentHashMap<>();
  private final Map<String, Cached> tokens = new ConcurrentHashMap<>();
  private volatile Revocations revocations = (s, t, u) -> {};
  private volatile String setupHash;

  public Accounts(AccountStore store, Bus bus, Clock clock, boolean signupOpen, Duration idle, Duration maxAge,
      LoginThrottle throttle) {
    this.store = store;
    this.bus = bus;
    this.clock = clock;
    this.signupOpen = signupOpen;
    this.idleMillis = idle.toMillis();
    this.maxAgeMillis = maxAge.toMillis();
    this.throttle = throttle;
    bus.subscribe(CHANNEL, (channel, message) -> onRevocation(message));
    bus.onReconnect(() -> {
      sessions.clear();
      tokens.clear();
    });
  }

  public void onRevoked(Revocations r) {
    this.revocations = r;
  }

  public AccountStore store() {
    return store;
  }

  public boolean signupOpen() {
    return signupOpen;
  }

  // ---- the first administrator ----

  /**
   * When nobody has set the server up yet, makes the one-time secret of the set-up link and
   * returns it (the caller prints the link); otherwise empty. Each server makes its own; the
   * first one used wins, and the others die with it.
   */
  public Optional<String> setupSecret() {
    if (store.setupDone()) {
      return Optional.empty();
    }
    String secret = Secrets.random();
    setupHash = Secrets.hash(secret);
    return Optional.of(secret);
  }

  public boolean needsSetup() {
    return setupHash != null;
  }

  public NewSession setup(String secret, String name, String email, String password) {
    String expected = setupHash;
    if (expected == null || !Secrets.wellFormed(secret) || !Secrets.same(expected, Secrets.hash(secret))) {
      throw new AuthException(Problem.SETUP_DONE, "this set-up link is not valid (the server is set up already?)");
    }
    User u = newUser(name, email, password, true);
    if (!store.addFirstAdmin(u)) {
      setupHash = null;
      throw new AuthException(Problem.SETUP_DONE, "the server is set up already; log in");
    }
    setupHash = null;
    log.info("first administrator {} created", u.name());
    return startSession(u);
  }

  // ---- sign-up, login, logout, password ----

  public NewSession signup(String name, String email, String password) {
    if (!signupOpen) {
      throw new AuthException(Problem.SIGNUP_CLOSED, "sign-up is turned off on this server; ask its administrator");
    }
    User u = newUser(name, email, password, false);
    if (!store.addUser(u)) {
      throw new AuthException(Problem.NAME_TAKEN, "that name or email is taken");
    }
    return startSession(u);
  }

  /** Makes a person without signing them in (the command line's user creation). */
  public User createUser(String name, String email, String password, boolean admin) {
    User u = newUser(name, email, password, admin);
    if (!store.addUser(u)) {
      throw new AuthException(Problem.NAME_TAKEN, "that name or email is taken");
    }
    return u;
  }

  private User newUser(String name, String email, String password, boolean admin) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new AuthException(Problem.BAD_INPUT,
          "a name has 1 to 40 letters, digits, '.', '_' or '-' (ASCII), starting with a letter or digit");
    }
    if (email != null && (email.length() > 254 || !EMAIL.matcher(email).matches())) {
      throw new AuthException(Problem.BAD_INPUT, "that is not an email address");
    }
    String problem = Passwords.problem(password);
    if (problem != null) {
      throw new AuthException(Problem.BAD_INPUT, problem);
    }
    return new User(Secrets.id(), name, email, Passwords.hash(password), admin, clock.millis());
  }

  /**
   * Checks a name (or email) and password and starts a new session: always a new id, so an id
   * planted in the browser before login is never the signed-in one (no session fixation).
   */
  public NewSession login(String nameOrEmail, String password, String address) {
    if (nameOrEmail == null || nameOrEmail.isEmpty() || nameOrEmail.length() > 254 || password == null
        || password.length() > Passwords.MAX_LENGTH) {
      throw new AuthException(Problem.BAD_CREDENTIALS, "wrong name or password");
    }
    String key = nameOrEmail.toLowerCase(java.util.Locale.ROOT);
    if (!throttle.allowed(key, address)) {
      throw new AuthException(Problem.THROTTLED, "too many failed logins; wait a few minutes and try again");
    }
    Optional<User> u = nameOrEmail.indexOf('@') >= 0 ? store.userByEmail(nameOrEmail) : store.userByName(nameOrEmail);
    if (!Passwords.matches(password, u.map(User::passwordHash).orElse(null))) {
      throttle.failed(key, address);
      throw new AuthException(Problem.BAD_CREDENTIALS, "wrong name or password");
    }
    throttle.succeeded(key);
    return startSession(u.get());
  }

  public void logout(Principal p) {
    if (p != null && p.sessionHash() != null) {
      store.removeSession(p.sessionHash());
      publish("s:" + p.sessionHash());
    }
  }

  /**
   * Changes a password after checking the current one, ends every session of the person (on every
   * server, closing their sockets) and starts a new one for the browser that asked.
   */
  public NewSession changePassword(Principal p, String current, String next) {
    User u = store.userById(p.userId()).orElseThrow(() -> new AuthException(Problem.NOT_SIGNED_IN, "sign in again"));
    if (!Passwords.matches(current == null ? "" : current, u.passwordHash())) {
      throw new AuthException(Problem.BAD_CREDENTIALS, "the current password is wrong");
    }
    String problem = Passwords.problem(next);
    if (problem != null) {
      throw new AuthException(Problem.BAD_INPUT, problem);
    }
    store.setPassword(u.id(), Passwords.hash(next));
    revokeUser(u.id());
    return startSession(u);
  }

  /** Ends every session of a person, everywhere. */
  public void revokeUser(String userId) {
    store.removeSessionsOf(userId);
    publish("u:" + userId);
  }

  private NewSession startSession(User u) {
    String secret = Secrets.random();
    long now = clock.millis();
    store.addSession(new Session(Secrets.hash(secret), u.id(), now, now));
    return new NewSession(secret, u);
  }

  // ---- finding who is asking ----

  /** The principal of a session cookie's value, if it is a live session. */
  public Optional<Principal> bySession(String secret) {
    long now = clock.millis();
    Cached c = cached(sessions, secret, now, hash -> store.session(hash).flatMap(s -> store.userById(s.userId())
        .map(u -> new Cached(new Principal(u.id(), u.name(), u.admin(), hash, null), s, now))));
    if (c == null) {
      return Optional.empty();
    }
    Session s = c.session();
    String hash = s.idHash();
    if (now - s.seenAt() > idleMillis || now - s.createdAt() > maxAgeMillis) {
      sessions.remove(hash);
      store.removeSession(hash);
      return Optional.empty();
    }
    if (now - s.seenAt() > Math.min(TOUCH_MILLIS, idleMillis / 4)) {
      store.touchSession(hash, now);
      sessions.put(hash, new Cached(c.principal(), new Session(hash, s.userId(), s.createdAt(), now), c.fetchedAt()));
    }
    return Optional.of(c.principal());
  }

  /** The principal of an API token, if it is live. */
  public Optional<Principal> byToken(String secret) {
    long now = clock.millis();
    Cached c = cached(tokens, secret, now, hash -> store.tokenByHash(hash).flatMap(t -> store.userById(t.userId())
        .map(u -> new Cached(new Principal(u.id(), u.name(), u.admin(), null, hash), null, now, t.expiresAt()))));
    if (c == null) {
      return Optional.empty();
    }
    if (c.expiresAt() != null && now >= c.expiresAt()) {
      tokens.remove(c.principal().tokenHash());
      return Optional.empty(); // kept in the list (marked expired) until its owner removes it
    }
    return Optional.of(c.principal());
  }

  /**
   * The cache entry for a secret: from {@code cache} if fetched less than {@link #CACHE_MILLIS}
   * ago, else from {@code load} (by the secret's hash); null for a malformed or unknown secret.
   */
  private static Cached cached(Map<String, Cached> cache, String secret, long now,
      java.util.function.Function<String, Optional<Cached>> load) {
    if (!Secrets.wellFormed(secret)) {
      return null;
    }
    String hash = Secrets.hash(secret);
    Cached c = cache.get(hash);
    if (c == null || now - c.fetchedAt() > CACHE_MILLIS) {
      c = load.apply(hash).orElse(null);
      if (c == null) {
        cache.remove(hash);
      } else {
        cache.put(hash, c);
      }
    }
    return c;
  }

  /** The CSRF token of a session: derived from its secret, so nothing more is stored. */
  public static String csrfToken(String sessionSecret) {
    return Secrets.hash("csrf:" + sessionSecret);
  }

  // ---- API tokens ----

  public NewToken createToken(String userId, String name) {
    return createToken(userId, name, null);
  }

  /** A new token that stops working after {@code lifetime} (null: when revoked). */
  public NewToken createToken(String userId, String name, Duration lifetime) {
    if (lifetime != null && (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(MAX_TOKEN_LIFETIME) > 0)) {
      throw new AuthException(Problem.BAD_INPUT, "a token lasts from a moment to " + MAX_TOKEN_LIFETIME.toDays()
          + " days, or until revoked");
    }
    if (name == null || name.isBlank() || name.length() > MAX_TOKEN_NAME || name.codePoints().anyMatch(Character::isISOControl)) {
      throw new AuthException(Problem.BAD_INPUT, "a token's name has 1 to " + MAX_TOKEN_NAME + " characters, no control characters");
    }
    String secret = Secrets.random();
    long now = clock.millis();
    Token t = new Token(Secrets.id(), userId, name.strip(), now, lifetime == null ? null : now + lifetime.toMillis());
    store.addToken(t, Secrets.hash(secret));
    return new NewToken(secret, t);
  }

  public List<Token> tokens(String userId) {
    return store.tokensOf(userId);
  }

  public void revokeToken(String userId, String tokenId) {
    String hash = store.removeToken(userId, tokenId)
        .orElseThrow(() -> new AuthException(Problem.NOT_FOUND, "no token " + tokenId));
    publish("t:" + hash);
  }

  // ---- revocation across servers ----

  private void publish(String message) {
    onRevocation(message); // this server at once, even if the bus is down
    bus.publish(CHANNEL, message);
  }

  private void onRevocation(String message) {
    if (message.length() < 3 || message.charAt(1) != ':') {
      return;
    }
    String what = message.substring(2);
    switch (message.charAt(0)) {
      case 's' -> {
        sessions.remove(what);
        revocations.revoked(what, null, null);
      }
      case 't' -> {
        tokens.remove(what);
        revocations.revoked(null, what, null);
      }
      case 'u' -> {
        sessions.values().removeIf(c -> c.principal().userId().equals(what));
        revocations.revoked(null, null, what);
      }
      default -> { }
    }
  }
}
