package dev.quire.server.http;

import dev.quire.server.store.postgres.ThrowawayDatabase;
import java.util.Map;

/**
 * Every organizations test again on PostgreSQL, where the documents of each organization live in
 * its own partitions: sharing with someone of another organization goes through the document's
 * roles, whatever partition its rows are in. Each test gets a database of its own.
 */
class PostgresOrganizationsTest extends OrganizationsTest {
  private ThrowawayDatabase db;

  @Override
  protected Map<String, String> settings() {
    db = ThrowawayDatabase.create();
    return Map.of("auth", "accounts", "database-url", db.url());
  }

  @Override
  protected void stopped() throws Exception {
    if (db != null) {
      db.close();
    }
  }
}
