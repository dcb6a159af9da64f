package dev.quire.server.collab;

import dev.quire.server.wire.SendBatch;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in the order given, on a shared executor: an actor's mailbox. Each
 * open document has one, so its state needs no locks, while thousands of documents share a few
 * threads.
 *
 * <p>The frames a turn sends are written at its end, one write per connection ({@link SendBatch}),
 * or, with a linger, no sooner than {@code lingerNanos} after this actor's previous write: a busy
 * document's turns come every millisecond or two, each with an op or two for every subscriber, and
 * a write per subscriber per turn was most of the kernel time of both the server and its clients
 * (at 200 authors on one document, 52,000 write calls a second; with 10 ms, 26,000, and a fifth
 * less CPU on each side, docs/BENCHMARKS.md). A document whose last write is older than the
 * linger — anyone typing alone, or a few people — writes at the end of the turn as before. Off by
 * default ({@code send-linger-ms} 0): the latency it adds has not yet been shown to pay at the limit.
 */
final class SerialExecutor implements Executor {
  private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);

  private final Executor pool;
  private final ScheduledExecutorService timers;
  private final long lingerNanos;
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
  private boolean running;
  // With a linger (under this): connections holding frames until the next write, when it is due.
  private final List<SendBatch.Flushable> held = new ArrayList<>();
  private long lastWrite;
  private boolean writeScheduled;

  /** @param timers for the writes a linger defers; {@code lingerNanos} 0 writes at every turn's end */
  SerialExecutor(Executor pool, ScheduledExecutorService timers, long lingerNanos) {
    this.pool = pool;
    this.timers = timers;
    this.lingerNanos = lingerNanos;
    this.lastWrite = System.nanoTime() - lingerNanos;
  }

  @Override
  public void execute(Runnable task) {
    synchronized (this) {
      tasks.add(task);
      if (running) {
        return;
      }
      running = true;
    }
    dispatch();
  }

  private void dispatch() {
    try {
      pool.execute(this::drain);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // The server is stopping and its pool is shut down: nothing more will run here.
      synchronized (this) {
        tasks.clear();
        running = false;
      }
      log.debug("task dropped: the server is stopping");
    }
  }

  private void drain() {
    if (lingerNanos == 0) {
      SendBatch.run(this::turn); // one write per connection for everything this turn sends
      return;
    }
    List<SendBatch.Flushable> sent = SendBatch.runHolding(this::turn);
    long now = System.nanoTime();
    List<SendBatch.Flushable> due = null;
    long wait = 0;
    synchronized (this) {
      held.addAll(sent);
      if (held.isEmpty() || writeScheduled) {
        return; // nothing to write, or the scheduled write takes these too
      }
      if (now - lastWrite >= lingerNanos) {
        due = takeHeld(now);
      } else {
        writeScheduled = true;
        wait = lastWrite + lingerNanos - now;
      }
    }
    if (due != null) {
      SendBatch.flush(due);
      return;
    }
    try {
      timers.schedule(this::lingerOver, wait, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      lingerOver(); // stopping: write now rather than never
    }
  }

  private void lingerOver() {
    List<SendBatch.Flushable> due;
    synchronized (this) {
      writeScheduled = false;
      due = takeHeld(System.nanoTime());
    }
    SendBatch.flush(due);
  }

  private List<SendBatch.Flushable> takeHeld(long now) {
    List<SendBatch.Flushable> due = new ArrayList<>(held);
    held.clear();
    lastWrite = now;
    return due;
  }

  private void turn() {
    // Run a bounded number of tasks per turn so one busy document cannot hog a pool thread.
    for (int i = 0; i < 64; i++) {
      Runnable next;
      synchronized (this) {
        next = tasks.poll();
        if (next == null) {
          running = false;
          return;
        }
      }
      try {
        next.run();
      } catch (RuntimeException | Error e) {
        log.error("task failed", e);
      }
    }
    dispatch();
  }
}
