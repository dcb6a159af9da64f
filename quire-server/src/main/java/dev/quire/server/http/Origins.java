package dev.quire.server.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which web pages may use this server with the visitor's cookie: a browser names the page's
 * origin in the {@code Origin} header of every WebSocket upgrade and every cross-site (and
 * same-site) state-changing request, and pages of another site must not act as the visitor
 * (cross-site WebSocket hijacking, CSRF). Allowed: the server's own origin (the {@code Host} the
 * request was sent to, which a proxy must pass on) and any origin configured in {@code
 * allowed-origins}. A request without {@code Origin} comes from a program, not a page in a browser,
 * and carries no one else's cookie: it is allowed, and must authenticate on its own.
 */
public final class Origins {
  private final Set<String> allowed;

  public Origins(Set<String> allowed) {
    this.allowed = allowed.stream().map(o -> o.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
  }

  /** Whether a request with this {@code Origin} (maybe null) sent to this {@code Host} is allowed. */
  public boolean allows(String origin, String host) {
    if (origin == null) {
      return true;
    }
    String o = origin.toLowerCase(Locale.ROOT);
    if (allowed.contains(o)) {
      return true;
    }
    try {
      URI u = new URI(o);
      if (u.getHost() == null || !("http".equals(u.getScheme()) || "https".equals(u.getScheme()))) {
        return false; // "null" (sandboxed frames, file:), or anything odd
      }
      String authority = u.getPort() < 0 ? u.getHost() : u.getHost() + ":" + u.getPort();
      return host != null && authority.equals(host.toLowerCase(Locale.ROOT));
    } catch (URISyntaxException e) {
      return false;
    }
  }
}
