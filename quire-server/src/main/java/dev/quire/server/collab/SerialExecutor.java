package dev.quire.server.collab;

import dev.quire.server.wire.SendBatch;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in the order given, on a shared executor: an actor's mailbox. Each
 * open document has one, so its state needs no locks, while thousands of documents share a few
 * threads.
 */
final class SerialExecutor implements Executor {
  private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);

  private final Executor pool;
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
  private boolean running;

  SerialExecutor(Executor pool) {
    this.pool = pool;
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
    // One write per connection for everything this turn sends (see SendBatch).
    SendBatch.run(this::turn);
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
