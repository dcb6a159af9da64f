package dev.quire.server.testing;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waiting for a condition with a deadline, never for a time. */
public final class Await {
  private Await() {}

  /** Polls {@code condition} every 20 ms until it holds; fails naming {@code what} after 30 s. */
  public static void until(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 30 s: " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // polling a condition with a deadline
    }
  }
}
