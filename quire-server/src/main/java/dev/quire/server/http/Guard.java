package dev.quire.server.http;

import dev.quire.server.auth.Accounts;
import dev.quire.server.auth.AuthMode;
import dev.quire.server.auth.Principal;
import dev.quire.server.auth.Secrets;
import dev.quire.server.protocol.RateLimiter;
import dev.quire.server.wire.UpgradeGate;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs before every request and every WebSocket upgrade: sets the security headers, finds who is
 * asking (a session cookie or an {@code Authorization: Bearer} API token), and refuses what must
 * not go further — a request without a principal when accounts are required, a page of another
 * origin (WebSocket hijacking, CSRF), a state-changing request with a session cookie but without
 * the session's CSRF token, and a client address over its rate.
 *
 * <p>CSRF: a session's token is derived from its secret ({@link Accounts#csrfToken}) and handed to
 * the page by {@code GET /api/auth/state}; a page of another site can neither read it nor set a
 * custom header without this server's consent (which CORS never gives). The cookie is also
 * {@code SameSite=Lax}, and bodies must be JSON: three locks on one door.
 */
public final class Guard {
  public static final String COOKIE = "quire_session";
  public static final String CSRF_HEADER = "X-CSRF-Token";
  static final String PRINCIPAL = "quire.principal";
  static final String SECRET = "quire.session.secret";
  /** Paths under /api open to someone not signed in: how to sign in. */
  private static final Set<String> PUBLIC = Set.of("/api/auth/state", "/api/auth/login", "/api/auth/signup",
      "/api/auth/setup");
  static final int MAX_ADDRESSES = 100_000;

  private final AuthMode mode;
  private final Accounts accounts;
  private final Origins origins;
  private final ClientAddresses addresses;
  private final double apiRate;
  private final int apiBurst;
  private final Clock clock;
  private final Map<String, RateLimiter> perAddress = new ConcurrentHashMap<>();

  public Guard(AuthMode mode, Accounts accounts, Origins origins, ClientAddresses addresses, double apiRate,
      int apiBurst, Clock clock) {
    this.mode = mode;
    this.accounts = accounts;
    this.origins = origins;
    this.addresses = addresses;
    this.apiRate = apiRate;
    this.apiBurst = apiBurst;
    this.clock = clock;
  }

  public AuthMode mode() {
    return mode;
  }

  public ClientAddresses addresses() {
    return addresses;
  }

  /** A GET or HEAD: a request that changes nothing. */
  public static boolean readOnly(Context ctx) {
    return ctx.method().name().equals("GET") || ctx.method().name().equals("HEAD");
  }

  /** The principal of a request that passed the guard: null in open mode and on public paths. */
  public static Principal principal(Context ctx) {
    return ctx.attribute(PRINCIPAL);
  }

  /** The session cookie's value of a request authenticated by it, else null. */
  static String sessionSecret(Context ctx) {
    return ctx.attribute(SECRET);
  }

  public void mount(JavalinDefaultRoutingApi routes) {
    routes.before(this::before);
  }

  private void before(Context ctx) {
    ctx.header("X-Content-Type-Options", "nosniff").header("Referrer-Policy", "no-referrer")
        .header("X-Frame-Options", "DENY");
    if (!ctx.path().startsWith("/api/")) {
      return;
    }
    ctx.header("Cache-Control", "no-store").header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
    ApiError refused = check(ctx);
    if (refused != null) {
      ctx.skipRemainingHandlers();
    }
  }

  /** Null when the API request may go on; else the refusal, already written. */
  private ApiError check(Context ctx) {
    if (!limiter(addresses.of(ctx)).tryAcquire()) {
      return refuse(ctx, ApiError.RATE_LIMITED, "too many requests; slow down");
    }
    boolean changes = !readOnly(ctx);
    if (changes && !origins.allows(ctx.header("Origin"), ctx.header("Host"))) {
      return refuse(ctx, ApiError.ORIGIN_REFUSED, "requests from " + ctx.header("Origin") + " are not allowed");
    }
    if (!authenticate(ctx)) {
      return refuse(ctx, ApiError.BAD_TOKEN, "the API token is not valid (revoked?)");
    }
    // And per person, whatever address they come from: a stolen cookie or token used from many
    // addresses gets one person's rate, not one per address.
    if (principal(ctx) != null && !limiter("user:" + principal(ctx).userId()).tryAcquire()) {
      return refuse(ctx, ApiError.RATE_LIMITED, "too many requests from your account; slow down");
    }
    if (changes && sessionSecret(ctx) != null
        && !Secrets.same(Accounts.csrfToken(sessionSecret(ctx)), ctx.header(CSRF_HEADER))) {
      return refuse(ctx, ApiError.CSRF, "missing or wrong " + CSRF_HEADER + " header; reload the page");
    }
    if (mode == AuthMode.ACCOUNTS && principal(ctx) == null && !PUBLIC.contains(ctx.path())) {
      return refuse(ctx, ApiError.NOT_SIGNED_IN, "sign in first");
    }
    return null;
  }

  /**
   * Whether a request outside {@code /api} may read what only administrators may ({@code
   * /metrics}: it tells how busy the server is and how many people are on it); when not, the
   * refusal is already written: 401 without a valid session or token, 403 for someone who is not
   * an administrator. Everyone may in open mode. A scraper signs in with an administrator's API
   * token ({@code Authorization: Bearer}).
   */
  public boolean admin(Context ctx) {
    if (mode == AuthMode.OPEN) {
      return true;
    }
    String authorization = ctx.header("Authorization");
    Optional<Principal> p = identify(authorization, authorization == null ? ctx.cookie(COOKIE) : null);
    if (p == null) {
      refuse(ctx, ApiError.BAD_TOKEN, "the API token is not valid (revoked?)");
      return false;
    }
    if (p.isEmpty()) {
      refuse(ctx, ApiError.NOT_SIGNED_IN, "sign in first");
      return false;
    }
    if (!p.get().admin()) {
      refuse(ctx, ApiError.FORBIDDEN, "only administrators may read this");
      return false;
    }
    return true;
  }

  /**
   * Before a WebSocket upgrade (the wire's {@link dev.quire.server.wire.UpgradeGate}): the same
   * origin and sign-in checks as the API, answered with a bare status; the principal the
   * connection acts for, or null in open mode.
   */
  public Object admit(UpgradeGate.Upgrade upgrade) throws UpgradeGate.Refused {
    if (!origins.allows(upgrade.header("Origin"), upgrade.header("Host"))) {
      throw new UpgradeGate.Refused(HttpStatus.FORBIDDEN.getCode(), "origin not allowed");
    }
    if (mode == AuthMode.OPEN) {
      return null;
    }
    Optional<Principal> p = identify(upgrade.header("Authorization"), upgrade.cookies().get(COOKIE));
    if (p == null || p.isEmpty()) {
      throw new UpgradeGate.Refused(HttpStatus.UNAUTHORIZED.getCode(), "sign in first");
    }
    return p.get();
  }

  /**
   * Who a request acts for: from a Bearer token (preferred: a program says so explicitly), else
   * the session cookie; empty when neither names anyone; null when a token was given and is not
   * valid (a program must learn that, not be treated as anonymous).
   */
  private Optional<Principal> identify(String authorization, String sessionSecret) {
    if (authorization != null) {
      Optional<Principal> p = authorization.regionMatches(true, 0, "Bearer ", 0, 7)
          ? accounts.byToken(authorization.substring(7).strip()) : Optional.empty();
      return p.isPresent() ? p : null;
    }
    return sessionSecret == null ? Optional.empty() : accounts.bySession(sessionSecret);
  }

  /**
   * Sets the principal from a Bearer token (preferred: a program says so explicitly) or the
   * cookie; false when a token was given and is not valid (a program must learn that, not be
   * treated as anonymous).
   */
  private boolean authenticate(Context ctx) {
    if (mode == AuthMode.OPEN) {
      return true;
    }
    String authorization = ctx.header("Authorization");
    String secret = authorization == null ? ctx.cookie(COOKIE) : null;
    Optional<Principal> p = identify(authorization, secret);
    if (p == null) {
      return false;
    }
    if (p.isPresent()) {
      ctx.attribute(PRINCIPAL, p.get());
      if (secret != null) {
        ctx.attribute(SECRET, secret);
      }
    }
    return true;
  }

  /** The bucket of a client address, or of a person ({@code user:<id>}: no address looks like that). */
  private RateLimiter limiter(String address) {
    RateLimiter r = perAddress.get(address);
    if (r == null) {
      if (perAddress.size() >= MAX_ADDRESSES) {
        perAddress.clear(); // a flood of addresses: start every bucket full again rather than grow
      }
      r = perAddress.computeIfAbsent(address, a -> new RateLimiter(apiRate, apiBurst, clock));
    }
    return r;
  }

  private static ApiError refuse(Context ctx, ApiError e, String message) {
    DocumentsApi.error(ctx, e, message);
    return e;
  }

  /** Whether the request was made to a plain-http loopback address: the one place a cookie is not Secure. */
  boolean plainLocalhost(Context ctx) {
    if (!"http".equals(ctx.scheme()) || addresses.forwardedHttps(ctx)) {
      return false;
    }
    String host = ctx.host() == null ? "" : ctx.host().toLowerCase(Locale.ROOT);
    String name = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1)
        : host.contains(":") ? host.substring(0, host.indexOf(':')) : host;
    return name.equals("localhost") || name.equals("127.0.0.1") || name.equals("[::1]");
  }

  /** The Set-Cookie value that gives the browser a session (or, with a null secret, removes it). */
  String cookie(Context ctx, String secret, long maxAgeSeconds) {
    return COOKIE + "=" + (secret == null ? "" : secret) + "; Path=/; HttpOnly; SameSite=Lax"
        + (plainLocalhost(ctx) ? "" : "; Secure") + "; Max-Age=" + (secret == null ? 0 : maxAgeSeconds);
  }
}
