package dev.quire.server.store.sqlite;

import static dev.quire.server.store.CommitResult.COMMITTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quire.server.store.CommitResult;
import dev.quire.server.store.DocumentStore;
import dev.quire.server.store.DocumentStoreContract;
import dev.quire.server.store.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite store passes the store contract, and is set up for durability. */
class SqliteStoreTest extends DocumentStoreContract {
  @TempDir Path tmp;

  private Path dataDir() {
    return tmp.resolve("data");
  }

  @Override
  protected DocumentStore newStore() {
    return SqliteStore.open(dataDir());
  }

  @Override
  protected DocumentStore reopen(DocumentStore store) {
    store.close();
    return SqliteStore.open(dataDir());
  }

  private SqliteStore sqlite() {
    return (SqliteStore) store;
  }

  @Test
  void theDatabaseIsOneFileInTheDataFolder() {
    assertEquals(dataDir().toAbsolutePath().resolve("quire.db"), sqlite().file());
    assertTrue(Files.isRegularFile(sqlite().file()));
  }

  @Test
  void commitsAreInWalModeAndSyncedInFull() {
    assertEquals("wal", sqlite().pragma("journal_mode"));
    assertEquals("2", sqlite().pragma("synchronous")); // 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA
    assertEquals("1", sqlite().pragma("foreign_keys"));
    assertEquals(
        String.valueOf(SqliteConnections.BUSY_TIMEOUT_MILLIS), sqlite().pragma("busy_timeout"));
  }

  @Test
  void aMissingDataFolderIsCreatedEvenWithSpacesAndNonAsciiInItsPath() {
    Path nested = tmp.resolve("a b/d\u00e9j\u00e0 vu/data");
    try (SqliteStore other = SqliteStore.open(nested)) {
      assertTrue(Files.isRegularFile(nested.resolve("quire.db")));
      assertEquals(COMMITTED, other.commit(DOCS, "a", List.of(edit("a", 0, "bob", 1))));
      assertEquals(1, other.headVersion(DOCS, "a"));
    }
  }

  @Test
  void aFileThatIsNotADatabaseFailsToOpenWithItsName() throws Exception {
    Path other = tmp.resolve("other");
    Files.createDirectories(other);
    Files.writeString(other.resolve("quire.db"), "not a database, but long enough to look like one");
    StoreException e = assertThrows(StoreException.class, () -> SqliteStore.open(other));
    assertTrue(e.getMessage().contains(other.resolve("quire.db").toString()), e.getMessage());
  }

  /**
   * Two stores on one file stand for two processes (a server and a command-line tool, say):
   * the fence is SQLite's write lock, not the Java lock, so it holds between them too.
   */
  @Test
  void twoStoresOnOneFileShareTheFence() throws Exception {
    int perStore = 100;
    try (SqliteStore second = SqliteStore.open(dataDir())) {
      List<DocumentStore> stores = List.of(store, second);
      ExecutorService pool = Executors.newFixedThreadPool(stores.size());
      try {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> clients = new ArrayList<>();
        for (int s = 0; s < stores.size(); s++) {
          DocumentStore mine = stores.get(s);
          String src = "process" + s;
          clients.add(pool.submit(() -> {
            start.await();
            for (long seq = 0; seq < perStore; seq++) {
              int tries = 0;
              while (commitAtHead(mine, src, seq) != COMMITTED) {
                assertTrue(++tries < 2 * perStore, src + "#" + seq + " never committed");
              }
            }
            return null;
          }));
        }
        start.countDown();
        for (Future<?> f : clients) {
          f.get(60, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      assertEquals(2 * perStore, store.headVersion(DOCS, "hot"));
      assertEquals(2 * perStore, second.ops(DOCS, "hot", 0, Long.MAX_VALUE).size());
    }
  }

  private static CommitResult commitAtHead(DocumentStore s, String src, long seq) {
    return s.commit(DOCS, "hot", List.of(edit("hot", s.headVersion(DOCS, "hot"), src, seq)));
  }
}
