package dev.quire.server.store.sqlite;

import dev.quire.server.auth.AccountStore;
import dev.quire.server.store.AccountStoreContract;
import dev.quire.server.store.DocumentCatalog;
import dev.quire.server.store.DocumentStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The embedded account store passes the account store contract. */
class SqliteAccountStoreTest extends AccountStoreContract {
  @TempDir Path tmp;

  @Override
  protected DocumentStore newStore() {
    return SqliteStore.open(tmp.resolve("data"));
  }

  @Override
  protected AccountStore accountsOf(DocumentStore store) {
    return ((SqliteStore) store).accounts();
  }

  @Override
  protected DocumentCatalog catalogOf(DocumentStore store) {
    return ((SqliteStore) store).catalog();
  }
}
