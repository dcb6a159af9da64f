package dev.quire.server.store.replica;

/**
 * Whether a replica may be tried: up until a read or a poll of it fails, then down until a
 * back-off passes (doubling from {@link #FIRST_BACKOFF_NANOS} to {@link #MAX_BACKOFF_NANOS}), when
 * one poll tries it again. A replica that is down is skipped, so no read waits for it.
 * Thread-safe; times are {@link System#nanoTime()} values passed in by the caller.
 */
final class ReplicaHealth {
  static final long FIRST_BACKOFF_NANOS = 500_000_000L;
  static final long MAX_BACKOFF_NANOS = 30_000_000_000L;

  private boolean up = true;
  private long retryAt;
  private long backoff = FIRST_BACKOFF_NANOS;

  /** True when reads may go to it. */
  synchronized boolean up() {
    return up;
  }

  /** True when a poll should try it: it is up, or its back-off has passed. */
  synchronized boolean due(long now) {
    return up || now - retryAt >= 0;
  }

  /** A read or poll failed: down until the back-off passes; true if it was up until now. */
  synchronized boolean failed(long now) {
    boolean was = up;
    if (!up) {
      backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
    }
    up = false;
    retryAt = now + backoff;
    return was;
  }

  /** A poll answered: up again, with the back-off reset; true if it was down until now. */
  synchronized boolean answered() {
    boolean was = up;
    up = true;
    backoff = FIRST_BACKOFF_NANOS;
    return !was;
  }
}
