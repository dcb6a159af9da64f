package dev.quire.server.collab;

/** A connected client as a document sees it: where to send its ops and presence. */
public interface Subscriber {
  /** The client's connection id ({@code src}); ops it submitted are never echoed back to it. */
  String src();

  /** Queues a message to the client; never blocks. */
  void send(String message);

  /** {@link #send(String)}, with the message's UTF-8 bytes, shared by every recipient (never written to). */
  default void send(String message, byte[] utf8) {
    send(message);
  }
}
