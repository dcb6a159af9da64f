package dev.quire.server.store.postgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A fresh database on this machine's PostgreSQL (127.0.0.1:5432, trust auth), created for one test
 * class and dropped after it, so test runs never see each other's data, nor other people's.
 *
 * <p>When PostgreSQL cannot be reached the tests are skipped, except with {@code CI=true}, where
 * they fail: CI must not go green without having run them. {@code -Dquire.pg.host} and {@code
 * -Dquire.pg.port} point elsewhere on loopback.
 */
public final class ThrowawayDatabase implements AutoCloseable {
  private static final String HOST = System.getProperty("quire.pg.host", "127.0.0.1");
  private static final int PORT = Integer.getInteger("quire.pg.port", 5432);
  // Trust auth accepts any existing role; Debian's package has postgres, this machine also root.
  private static final List<String> USERS = List.of("postgres", "root");

  private final String user;
  private final String name;

  private ThrowawayDatabase(String user, String name) {
    this.user = user;
    this.name = name;
  }

  /** Creates a database named {@code quire_test_<random>}; skips or fails as described above. */
  public static ThrowawayDatabase create() {
    List<String> failures = new ArrayList<>();
    for (String user : USERS) {
      try (Connection admin = connect(user, "postgres")) {
        String name = "quire_test_"
            + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        execute(admin, "CREATE DATABASE " + name + " ENCODING 'UTF8' TEMPLATE template0");
        return new ThrowawayDatabase(user, name);
      } catch (SQLException e) {
        failures.add(user + ": " + e.getMessage());
      }
    }
    String why = "PostgreSQL at " + HOST + ":" + PORT + " is not usable " + failures;
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      Assertions.fail(why + "; with CI=true the PostgreSQL store's tests must run");
    }
    Assumptions.abort(why);
    throw new AssertionError("unreachable");
  }

  /** The database's URL in the libpq form that {@code --database-url} takes. */
  public String url() {
    return "postgresql://" + user + "@" + HOST + ":" + PORT + "/" + name;
  }

  /** The database's JDBC URL, for tools that open their own connections (Flyway). */
  String jdbcUrl() {
    return String.format(Locale.ROOT, "jdbc:postgresql://%s:%d/%s?user=%s", HOST, PORT, name, user);
  }

  String name() {
    return name;
  }

  /** Opens a store on this database (migrating on the first call) and empties {@code tables}. */
  PostgresStore openEmptied(String tables) throws SQLException {
    PostgresStore opened = PostgresStore.open(url());
    try (Connection c = connect()) {
      execute(c, "TRUNCATE " + tables);
    }
    return opened;
  }

  /** A plain JDBC connection to this database, outside any store; the caller closes it. */
  Connection connect() throws SQLException {
    return connect(user, name);
  }

  /** Runs statements on the admin database (for CREATE/ALTER/DROP DATABASE). */
  void admin(String... sql) throws SQLException {
    try (Connection admin = connect(user, "postgres")) {
      for (String s : sql) {
        execute(admin, s);
      }
    }
  }

  /** Drops the database, ending any session a test left open on it. */
  @Override
  public void close() throws SQLException {
    admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }

  static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static Connection connect(String user, String database) throws SQLException {
    String url = String.format(Locale.ROOT, "jdbc:postgresql://%s:%d/%s?user=%s&connectTimeout=5",
        HOST, PORT, database, user);
    return DriverManager.getConnection(url);
  }
}
