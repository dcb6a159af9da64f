package dev.quire.server.store.postgres;

import dev.quire.server.store.DocumentCatalog;
import dev.quire.server.store.DocumentCatalogContract;
import dev.quire.server.store.DocumentStore;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The PostgreSQL catalog passes the catalog contract, in a database of its own. */
class PostgresCatalogTest extends DocumentCatalogContract {
  private static ThrowawayDatabase db;

  @BeforeAll
  static void createDatabase() {
    db = ThrowawayDatabase.create();
  }

  @AfterAll
  static void dropDatabase() throws SQLException {
    if (db != null) {
      db.close();
    }
  }

  @Override
  protected DocumentStore newStore() throws SQLException {
    return db.openEmptied("documents");
  }

  @Override
  protected DocumentCatalog catalogOf(DocumentStore store) {
    return ((PostgresStore) store).catalog();
  }
}
