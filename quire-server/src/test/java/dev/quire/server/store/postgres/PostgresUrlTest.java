package dev.quire.server.store.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quire.server.store.StoreException;
import org.junit.jupiter.api.Test;

/** Database URLs as people write them, and what is wrong with the ones that are wrong. */
class PostgresUrlTest {

  @Test
  void theLibpqFormBecomesAJdbcUrlWithTheCredentialsApart() {
    PostgresUrl url = PostgresUrl.parse("postgresql://quire:s3cret@db.example:6543/quire");
    assertEquals("jdbc:postgresql://db.example:6543/quire", url.jdbcUrl());
    assertEquals("quire", url.user());
    assertEquals("s3cret", url.password());
  }

  @Test
  void thePasswordAndThePortMayBeLeftOut() {
    PostgresUrl url = PostgresUrl.parse("postgres://quire@localhost/quire");
    assertEquals("jdbc:postgresql://localhost:5432/quire", url.jdbcUrl());
    assertEquals("quire", url.user());
    assertNull(url.password());
    assertNull(PostgresUrl.parse("postgresql://localhost/quire").user());
  }

  @Test
  void userPasswordAndDatabaseArePercentDecoded() {
    PostgresUrl url = PostgresUrl.parse("postgresql://d%C3%A9j%C3%A0:p%40ss%3Aw%2Fo+rd@h/my%20db");
    assertEquals("d\u00e9j\u00e0", url.user());
    assertEquals("p@ss:w/o+rd", url.password()); // '+' is not a space in a URL's user info
    // pgjdbc URL-decodes the database name, with '+' as a space.
    assertEquals("jdbc:postgresql://h:5432/my+db", url.jdbcUrl());
  }

  @Test
  void anUnencodedAtOrSlashInThePasswordStillWorks() {
    PostgresUrl url = PostgresUrl.parse("postgresql://u:p@s/s@127.0.0.1:5432/db");
    assertEquals("p@s/s", url.password());
    assertEquals("jdbc:postgresql://127.0.0.1:5432/db", url.jdbcUrl());
  }

  @Test
  void ipv6AddressesHostListsAndParametersArePassedOn() {
    assertEquals("jdbc:postgresql://[::1]:5432/db?sslmode=disable",
        PostgresUrl.parse("postgresql://u@[::1]/db?sslmode=disable").jdbcUrl());
    assertEquals("jdbc:postgresql://a:5432,b:5433/db?targetServerType=primary",
        PostgresUrl.parse("postgresql://u@a,b:5433/db?targetServerType=primary").jdbcUrl());
  }

  @Test
  void theJdbcFormIsTakenAsItIs() {
    String jdbc = "jdbc:postgresql://127.0.0.1:5432/quire?user=postgres&password=pw";
    PostgresUrl url = PostgresUrl.parse(jdbc);
    assertEquals(jdbc, url.jdbcUrl());
    assertNull(url.user());
    assertNull(url.password());
  }

  @Test
  void badUrlsAreRefusedSayingWhatIsWrong() {
    assertRefused(null, "empty");
    assertRefused("  ", "empty");
    assertRefused("mysql://u@h/db", "not a PostgreSQL URL");
    assertRefused("127.0.0.1:5432/db", "not a PostgreSQL URL");
    assertRefused("postgresql://u@h", "names no database");
    assertRefused("postgresql://u@h/", "names no database");
    assertRefused("postgresql://u@/db", "names no host");
    assertRefused("postgresql://u@h:54x2/db", "the port \"54x2\"");
    assertRefused("postgresql://u@h:0/db", "from 1 to 65535");
    assertRefused("postgresql://u@h:70000/db", "from 1 to 65535");
    assertRefused("postgresql://u@h:/db", "the port \"\"");
    assertRefused("postgresql://u@h/db/x", "cannot contain '/'");
    assertRefused("postgresql://u@h%2Fx/db", "not a host name");
    assertRefused("postgresql://:pw@h/db", "user before '@' is empty");
    assertRefused("postgresql://u%zz@h/db", "two hex digits");
    assertRefused("postgresql://u@h/db#frag", "no '#' part");
    assertRefused("jdbc:postgresql://h:notaport/db", "cannot parse");
    assertRefused("jdbc:mysql://h/db", "not a PostgreSQL URL");
  }

  @Test
  void errorsAndToStringNeverShowThePassword() {
    for (String url : new String[] {
        "postgresql://u:hunter2@h:99999/db",
        "postgresql://u:hun/ter2@h/db/x",
        "postgresql://u:hun?ter2@h/db",
        "postgresql://u:hunter2%zz@h/db",
        "jdbc:postgresql://h:bad/db?user=u&password=hunter2"}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> PostgresUrl.parse(url));
      assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
      assertFalse(e.getMessage().contains("ter2"), e.getMessage());
    }
    assertFalse(PostgresUrl.parse("postgresql://u:hunter2@h/db").toString().contains("hunter2"));
    assertFalse(PostgresUrl.parse("jdbc:postgresql://h/db?password=hunter2&user=u")
        .toString().contains("hunter2"));
  }

  @Test
  void anUnreachableServerFailsToOpenNamingItButNotThePassword() {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    StoreException e = assertThrows(StoreException.class,
        () -> PostgresStore.open("postgresql://quire:hunter2@127.0.0.1:1/quire"));
    assertTrue(e.getMessage().contains("127.0.0.1:1"), e.getMessage());
    assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
  }

  private static void assertRefused(String url, String why) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PostgresUrl.parse(url), url);
    assertTrue(e.getMessage().contains(why), url + " -> " + e.getMessage());
  }
}
