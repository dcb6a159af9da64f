package dev.quire.server.bus;

/**
 * Carries messages between the servers that have a document open: committed ops and presence.
 * Implementations: {@link InProcessBus} (one server, the default) and {@code redis.RedisBus}
 * (cluster mode). Every implementation passes the same contract tests ({@code BusContract}).
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

  /**
   * Starts delivering {@code channel}'s messages to {@code listener}. While the bus's backend is
   * reachable, a message published after this returns is delivered; when it is not, the
   * subscription takes effect on reconnection (see {@link #onReconnect}).
   *
   * @throws IllegalStateException if the bus is closed
   */
  Subscription subscribe(String channel, Listener listener);

  /**
   * Registers {@code hook} to run each time the bus has reconnected to its backend and is
   * subscribed again to every channel. Messages published while it was disconnected are lost (pub/sub
   * keeps nothing), and a lost op shows as a version gap only when the next op of that document
   * arrives — which may be never. So on this signal the server must read, from the store, the ops it
   * may have missed for every document it has open. Runs on a bus thread; it must not block (hand
   * the reads to the documents' own executors).
   *
   * <p>The default does nothing: a bus without a backend ({@link InProcessBus}) never disconnects
   * and never calls it.
   */
  default void onReconnect(Runnable hook) {}

  /**
   * Stops all delivery and releases the backend; idempotent. Afterwards {@link #publish} is
   * silently ignored (a commit racing shutdown must not fail) and {@link #subscribe} throws.
   */
  @Override
  void close();
}
