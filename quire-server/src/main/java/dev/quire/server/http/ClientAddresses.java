package dev.quire.server.http;

import io.javalin.http.Context;
import java.util.Set;

/**
 * The address of the client a request comes from, for rate limits and login throttling. The
 * {@code X-Forwarded-For} header is believed only when the request comes from a configured proxy
 * (anyone else could write anything there): then the address is the rightmost entry that is not
 * itself a trusted proxy.
 */
public final class ClientAddresses {
  private final Set<String> trustedProxies;

  public ClientAddresses(Set<String> trustedProxies) {
    this.trustedProxies = Set.copyOf(trustedProxies);
  }

  public String of(Context ctx) {
    return of(ctx.ip(), ctx.header("X-Forwarded-For"));
  }

  String of(String peer, String forwardedFor) {
    if (forwardedFor == null || !trustedProxies.contains(peer)) {
      return peer;
    }
    String[] hops = forwardedFor.split(",");
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = hops[i].strip();
      if (!hop.isEmpty() && !trustedProxies.contains(hop)) {
        return hop.length() > 64 ? hop.substring(0, 64) : hop;
      }
    }
    return peer;
  }

  /** Whether the request came through a trusted proxy that said the client used https. */
  public boolean forwardedHttps(Context ctx) {
    return trustedProxies.contains(ctx.ip()) && "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto"));
  }
}
