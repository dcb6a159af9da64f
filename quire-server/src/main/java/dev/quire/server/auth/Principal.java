package dev.quire.server.auth;

/**
 * Who a request or connection acts for: a person, through a session (a browser) or an API token
 * (a program). {@code sessionHash} / {@code tokenHash} say which, so that revoking that one
 * session or token can find the connections it opened.
 */
public record Principal(String userId, String name, boolean admin, String sessionHash, String tokenHash) {
  public boolean viaSession() {
    return sessionHash != null;
  }
}
