package dev.quire.server.wire;

import java.util.Map;

/**
 * Decides, before a WebSocket upgrade completes, whether it may go ahead and who is connecting
 * (cross-site WebSocket hijacking is refused here: a foreign Origin never gets a socket, whatever
 * cookie its browser attaches). The wire knows nothing of accounts; the HTTP layer's guard does.
 */
@FunctionalInterface
public interface UpgradeGate {
  /** Lets every upgrade through, anonymously (tests of the wire alone). */
  UpgradeGate OPEN = request -> null;

  /**
   * The principal the connection acts for (null: anonymous), or {@link Refused} to answer the
   * upgrade with an HTTP status instead of a socket.
   */
  Object admit(Upgrade request) throws Refused;

  /**
   * What an upgrade request carries that the checks read (nothing of it is kept afterwards).
   *
   * @param headers the request's headers by lower-case name (the first value of each)
   * @param cookies the request's cookies by name (the first value of each)
   * @param remoteAddress the peer's IP address
   */
  record Upgrade(Map<String, String> headers, Map<String, String> cookies, String remoteAddress) {
    public String header(String name) {
      return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }
  }

  /** An upgrade refused with an HTTP status (403 foreign origin, 401 not signed in). */
  final class Refused extends Exception {
    private static final long serialVersionUID = 1L;
    public final int status;

    public Refused(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }
}
