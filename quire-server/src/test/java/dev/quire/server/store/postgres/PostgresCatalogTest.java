package dev.quire.server.store.postgres;

import dev.quire.server.store.DocumentCatalog;
import dev.quire.server.store.DocumentCatalogContract;
import dev.quire.server.store.DocumentStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
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
    // Documents first: they refer to the organizations (all but "default", which is the schema's).
    PostgresStore opened = db.openEmptied("documents");
    execute("DELETE FROM organizations WHERE id <> 'default'");
    return opened;
  }

  @Override
  protected DocumentCatalog catalogOf(DocumentStore store) {
    return ((PostgresStore) store).catalog();
  }

  @Override
  protected void execute(String sql) throws SQLException {
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      st.executeUpdate(sql);
    }
  }
}
