package dev.quire.server.bus;

/**
 * Carries messages between the servers that have a document open: committed ops and presence.
 * Implementations: {@link InProcessBus} (one server, the default) and Redis pub/sub (cluster mode).
 *
 * <p>Delivery is at most once and unordered across channels: receivers apply ops strictly by
 * version, dropping duplicates and filling gaps from the store, so a lost or repeated message
 * costs latency, never correctness. Publish only after a durable commit.
 */
public interface Bus extends AutoCloseable {

  /** Receives messages of one channel, on a bus thread; it must not block. */
  @FunctionalInterface
  interface Listener {
    void onMessage(String channel, String message);
  }

  /** A live subscription; closing it stops delivery. */
  interface Subscription extends AutoCloseable {
    @Override
    void close();
  }

  /** Sends {@code message} to every current subscriber of {@code channel}, here and elsewhere. */
  void publish(String channel, String message);

  Subscription subscribe(String channel, Listener listener);

  @Override
  void close();
}
