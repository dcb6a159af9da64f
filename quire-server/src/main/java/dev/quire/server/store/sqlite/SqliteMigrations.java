package dev.quire.server.store.sqlite;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** Brings a database's schema up to date with the migrations shipped in the jar. */
final class SqliteMigrations {
  private SqliteMigrations() {}

  static final String LOCATION = "classpath:db/migration/sqlite";

  /**
   * Applies the migrations not applied yet, each in its own transaction (SQLite's DDL is
   * transactional). Throws Flyway's exception when a migration fails or an applied one was edited.
   */
  static void migrate(DataSource dataSource) {
    Flyway.configure(SqliteMigrations.class.getClassLoader()) // not the thread's: may be anything
        .dataSource(dataSource)
        .locations(LOCATION)
        // A jar packaged without its migrations must fail here, not with "no such table" later.
        .failOnMissingLocations(true)
        .validateMigrationNaming(true)
        .load()
        .migrate();
  }
}
