package dev.quire.server.wire;

import java.util.ArrayList;
import java.util.List;

/**
 * Defers the socket writes of the sends made by one piece of work on this thread, and does them
 * at its end, one write per connection. A document's actor runs its work inside one: a commit of
 * k ops sends k frames to each of its subscribers, plus acks, and a connection whose last write
 * has already completed would otherwise write each of them with a system call of its own — with
 * a hundred subscribers, the actor spent its time in the kernel, and ops from other servers
 * waited behind it for seconds. Frames still go out in the order they were sent, per connection.
 */
public final class SendBatch {
  private static final ThreadLocal<List<Flushable>> CURRENT = new ThreadLocal<>();

  /** A connection with frames held for the end of the batch. */
  public interface Flushable {
    void flushHeld();
  }

  private SendBatch() {}

  /** Runs {@code work} with the writes of its sends deferred to its end (nested calls join the outer one). */
  public static void run(Runnable work) {
    flush(runHolding(work));
  }

  /**
   * Runs {@code work} with its sends held, like {@link #run}, but leaves them held: returns the
   * connections holding frames, for the caller to write later with {@link #flush} (until then,
   * every frame to them waits behind). If {@code work} throws, they are written at once; inside
   * another batch, {@code work} joins it and nothing is returned.
   */
  public static List<Flushable> runHolding(Runnable work) {
    if (CURRENT.get() != null) {
      work.run();
      return List.of();
    }
    List<Flushable> held = new ArrayList<>();
    CURRENT.set(held);
    boolean done = false;
    try {
      work.run();
      done = true;
    } finally {
      CURRENT.remove();
      if (!done) {
        flush(held);
      }
    }
    return held;
  }

  /** Writes what {@link #runHolding} left held. */
  public static void flush(List<Flushable> held) {
    for (Flushable f : held) {
      f.flushHeld();
    }
  }

  /** The batch this thread is in, or null: sends then write at once. */
  static List<Flushable> current() {
    return CURRENT.get();
  }
}
