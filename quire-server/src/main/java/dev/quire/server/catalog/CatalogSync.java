package dev.quire.server.catalog;

import dev.quire.server.store.DocumentCatalog;
import dev.quire.server.store.StoreException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the catalog's "last edited" and title copies in step with the documents without a
 * database write per op: edits and title commits are merged in memory per document (the newest
 * wins) and written every {@code catalog-flush}, off the network and document threads. So a
 * document typed into without pause costs one catalog write per period, however fast the typing.
 *
 * <p>What is lost if the server dies before a flush is only the summary (a few seconds of "last
 * edited"); the documents themselves are in the op log. A failed write is kept and tried again at
 * the next flush, unless something newer for the document arrived meanwhile.
 */
public final class CatalogSync implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CatalogSync.class);
  static final long TITLE_DELAY_MS = 250;

  /** What is waiting to be written for one document; a field left at its "none" value is not written. */
  private record Pending(String editedBy, long editedAt, String title, long titleVersion) {
    static final long NONE = -1;

    Pending merge(Pending newer) {
      boolean edit = newer.editedAt >= editedAt;
      boolean titled = newer.titleVersion > titleVersion;
      return new Pending(edit ? newer.editedBy : editedBy, edit ? newer.editedAt : editedAt,
          titled ? newer.title : title, titled ? newer.titleVersion : titleVersion);
    }
  }

  private final DocumentCatalog catalog;
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final AtomicBoolean flushing = new AtomicBoolean();
  private final AtomicBoolean titleFlushScheduled = new AtomicBoolean();
  private volatile ScheduledExecutorService timers;
  private volatile Executor writer;

  public CatalogSync(DocumentCatalog catalog) {
    this.catalog = catalog;
  }

  /** Writes what is waiting every {@code every}, on {@code writer}; {@code timers} only schedules. */
  public void start(ScheduledExecutorService timers, Executor writer, Duration every) {
    this.timers = timers;
    this.writer = writer;
    long ms = every.toMillis();
    timers.scheduleWithFixedDelay(this::flushInBackground, ms, ms, TimeUnit.MILLISECONDS);
  }

  private void flushInBackground() {
    if (!pending.isEmpty() && flushing.compareAndSet(false, true)) {
      try {
        writer.execute(() -> {
          try {
            flush();
          } finally {
            flushing.set(false);
          }
        });
      } catch (RuntimeException e) { // the writer was shut down: close() flushes
        flushing.set(false);
      }
    }
  }

  /** An edit of document {@code docId} by {@code user} (may be null) at {@code at}; never blocks. */
  public void edited(String docId, String user, long at) {
    pending.merge(docId, new Pending(user, at, null, Pending.NONE), Pending::merge);
  }

  /** The title document of {@code docId} reads {@code text} at {@code version}; never blocks. */
  public void titleCommitted(String docId, String text, long version) {
    pending.merge(docId, new Pending(null, Pending.NONE, Titles.forCatalog(text), version), Pending::merge);
    // Titles are what the list shows: written soon (a burst of typing still makes one write),
    // not at the next period, so someone going back to the list sees the new title.
    ScheduledExecutorService t = timers;
    if (t != null && titleFlushScheduled.compareAndSet(false, true)) {
      try {
        t.schedule(() -> {
          titleFlushScheduled.set(false);
          flushInBackground();
        }, TITLE_DELAY_MS, TimeUnit.MILLISECONDS);
      } catch (RuntimeException e) { // stopping: close() flushes
        titleFlushScheduled.set(false);
      }
    }
  }

  /** Writes everything waiting now; returns how many documents were written. */
  public int flush() {
    int written = 0;
    for (String docId : pending.keySet()) {
      Pending p = pending.remove(docId);
      if (p == null) {
        continue;
      }
      try {
        if (p.titleVersion() != Pending.NONE) {
          catalog.setTitle(docId, p.title(), p.titleVersion());
        }
        if (p.editedAt() != Pending.NONE) {
          catalog.recordEdit(docId, p.editedAt(), p.editedBy());
        }
        written++;
      } catch (StoreException e) {
        log.warn("could not update the catalog entry of {} (will retry): {}", docId, e.getMessage());
        pending.merge(docId, p, (now, failed) -> failed.merge(now));
      }
    }
    return written;
  }

  /** Writes what is still waiting (on shutdown, before the store closes). */
  @Override
  public void close() {
    flush();
  }
}
