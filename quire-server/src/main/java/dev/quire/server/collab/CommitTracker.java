package dev.quire.server.collab;

import java.time.Duration;

/** Counts commits in flight across documents, so a stopping server can let them finish. */
final class CommitTracker {
  private int inFlight;

  synchronized void started() {
    inFlight++;
  }

  synchronized void finished() {
    inFlight--;
    if (inFlight == 0) {
      notifyAll();
    }
  }

  synchronized boolean awaitNone(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (inFlight > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }
}
