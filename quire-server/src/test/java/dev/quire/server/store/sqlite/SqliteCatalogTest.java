package dev.quire.server.store.sqlite;

import dev.quire.server.store.DocumentCatalog;
import dev.quire.server.store.DocumentCatalogContract;
import dev.quire.server.store.DocumentStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
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

  @Override
  protected void execute(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + tmp.resolve("data").resolve(SqliteStore.FILE_NAME));
        Statement st = c.createStatement()) {
      st.executeUpdate(sql);
    }
  }
}
