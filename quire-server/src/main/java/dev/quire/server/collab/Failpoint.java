package dev.quire.server.collab;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A crash on purpose, for the fault tests only: with {@code -Dquire.failpoint.halt-after-commits=N}
 * the process halts (as {@code kill -9} would: no shutdown hooks, nothing flushed) right after its
 * N-th successful store commit, before any of its ops is acknowledged or published on the bus — the
 * window in which a dead server leaves committed ops that only the store knows about. Unset (the
 * only way a real server runs), it costs one read of a final field per commit.
 */
final class Failpoint {
  private static final long HALT_AFTER = Long.getLong("quire.failpoint.halt-after-commits", 0);
  private static final AtomicLong commits = new AtomicLong();

  private Failpoint() {}

  static void committed() {
    if (HALT_AFTER > 0 && commits.incrementAndGet() >= HALT_AFTER) {
      System.err.println("failpoint: halting after commit " + commits.get() + ", before its acks and publish");
      Runtime.getRuntime().halt(137);
    }
  }
}
