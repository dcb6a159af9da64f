package dev.quire.server.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quire.server.store.DocumentCatalog;
import dev.quire.server.store.DocumentCatalog.Entry;
import dev.quire.server.store.ForwardingCatalog;
import dev.quire.server.store.StoreException;
import dev.quire.server.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Edits and titles are merged in memory and written once per flush, newest first, on a real catalog. */
class CatalogSyncTest {
  @TempDir Path tmp;
  private SqliteStore store;
  private Counting catalog;
  private CatalogSync sync;

  /** The real catalog, counting the writes that reach it, and failing them on demand. */
  private static final class Counting extends ForwardingCatalog {
    final AtomicInteger writes = new AtomicInteger();
    volatile boolean failing;

    Counting(DocumentCatalog real) {
      super(real);
    }

    @Override
    public boolean setTitle(String id, String title, long v) {
      writes.incrementAndGet();
      return real.setTitle(id, title, v);
    }

    @Override
    public boolean recordEdit(String id, long at, String by) {
      if (failing) {
        throw new StoreException("the catalog is unreachable (test)", null);
      }
      writes.incrementAndGet();
      return real.recordEdit(id, at, by);
    }
  }

  @BeforeEach
  void open() {
    store = SqliteStore.open(tmp.resolve("data"));
    catalog = new Counting(store.catalog());
    catalog.add(new Entry("d", "Old", 1, 10, "Ann", 10, "Ann", null));
    sync = new CatalogSync(catalog);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void manyEditsOfOneDocumentBecomeOneWriteOfTheLatest() {
    for (int i = 0; i < 1000; i++) {
      sync.edited("d", i % 2 == 0 ? "Bob" : "Cy", 100 + i);
    }
    assertEquals(1, sync.flush());
    assertEquals(1, catalog.writes.get());
    Entry e = catalog.get("d").orElseThrow();
    assertEquals(1099, e.editedAt());
    assertEquals("Cy", e.editedBy());
    assertEquals(0, sync.flush());
  }

  @Test
  void theNewestTitleWinsWhateverOrderCommitsAreReported() {
    sync.titleCommitted("d", "Third", 3);
    sync.titleCommitted("d", "Second", 2);
    sync.edited("d", "Bob", 50);
    sync.flush();
    Entry e = catalog.get("d").orElseThrow();
    assertEquals("Third", e.title());
    assertEquals(3, e.titleVersion());
    assertEquals("Bob", e.editedBy());
    sync.titleCommitted("d", "Stale", 2);
    sync.flush();
    assertEquals("Third", catalog.get("d").orElseThrow().title());
  }

  @Test
  void aFailedWriteIsKeptForTheNextFlush() {
    sync.edited("d", "Bob", 500);
    catalog.failing = true; // as when the database is unreachable
    assertEquals(0, sync.flush());
    assertEquals(10, catalog.get("d").orElseThrow().editedAt());
    sync.edited("d", "Cy", 400); // older than the failed one: the failed one still wins
    catalog.failing = false;
    assertEquals(1, sync.flush());
    Entry e = catalog.get("d").orElseThrow();
    assertEquals(500, e.editedAt());
    assertEquals("Bob", e.editedBy());
  }
}
