package dev.quire.server.store.postgres;

import dev.quire.server.auth.AccountStore;
import dev.quire.server.store.AccountStoreContract;
import dev.quire.server.store.DocumentCatalog;
import dev.quire.server.store.DocumentStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The PostgreSQL account store passes the account store contract, in a database of its own. */
class PostgresAccountStoreTest extends AccountStoreContract {
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
    PostgresStore opened = db.openEmptied(
        "comments, comment_threads, login_failures, documents, organization_members, share_link_members, share_links, document_roles, api_tokens, sessions, setup, users");
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      st.executeUpdate("DELETE FROM organizations WHERE id <> 'default'"); // "default" is the schema's own
    }
    return opened;
  }

  @Override
  protected AccountStore accountsOf(DocumentStore store) {
    return ((PostgresStore) store).accounts();
  }

  @Override
  protected DocumentCatalog catalogOf(DocumentStore store) {
    return ((PostgresStore) store).catalog();
  }
}
