package dev.quire.server.store.postgres;

import dev.quire.server.retention.RetentionContract;
import dev.quire.server.store.DocumentStore;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The retention policy on PostgreSQL; a second server is a second store on the same database. */
class PostgresRetentionTest extends RetentionContract {
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
    return db.openEmptied("ops, snapshots");
  }

  @Override
  protected DocumentStore secondServer() {
    return PostgresStore.open(db.url());
  }
}
