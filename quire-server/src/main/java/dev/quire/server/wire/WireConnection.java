package dev.quire.server.wire;

/**
 * One client's WebSocket, as the protocol layer sees it. Sending never blocks: frames queue per
 * connection up to a bound, and a client that stops reading past it is disconnected rather than
 * buffered without end.
 */
public interface WireConnection {
  /** A short id for logs. */
  String id();

  /** The peer's address, for logs and rate limits. */
  String remoteAddress();

  /** Queues a text frame. Does nothing once the connection is closed. */
  void send(String text);

  /**
   * Queues a text frame whose UTF-8 bytes are given: a message broadcast to many connections is
   * encoded once, not once per recipient. {@code utf8} is shared and must never be written to.
   */
  default void send(String text, byte[] utf8) {
    send(text);
  }

  /** Closes with a WebSocket close code (1000 normal, 1001 going away, 1008 policy, 1011 error, 1013 try again). */
  void close(int code, String reason);

  boolean isOpen();
}
