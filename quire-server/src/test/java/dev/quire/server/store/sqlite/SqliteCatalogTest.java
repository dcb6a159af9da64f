package dev.quire.server.store.sqlite;

import dev.quire.server.store.DocumentCatalog;
import dev.quire.server.store.DocumentCatalogContract;
import dev.quire.server.store.DocumentStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The embedded catalog passes the catalog contract. */
class SqliteCatalogTest extends DocumentCatalogContract {
  @TempDir Path tmp;

  @Override
  protected DocumentStore newStore() {
    return SqliteStore.open(tmp.resolve("data"));
  }

  @Override
  protected DocumentCatalog catalogOf(DocumentStore store) {
    return ((SqliteStore) store).catalog();
  }
}
