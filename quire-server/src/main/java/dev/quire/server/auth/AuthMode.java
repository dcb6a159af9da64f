package dev.quire.server.auth;

/** Whether a server asks who you are. */
public enum AuthMode {
  /** Accounts required: every REST call and WebSocket needs a session or an API token. */
  ACCOUNTS,
  /**
   * No accounts: everyone who reaches the server is one team with every right. For tests,
   * benchmarks and a server reachable only by trusted people; logged as a warning at start.
   */
  OPEN
}
