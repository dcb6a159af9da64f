package dev.quire.server.store.postgres;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;
import org.postgresql.Driver;

/**
 * Where the PostgreSQL store connects: a JDBC URL and, when the URL did not carry them, a user and
 * password. Parsed from what people write in {@code --database-url}:
 *
 * <ul>
 *   <li>{@code postgresql://user[:password]@host[:port]/database[?parameters]} (libpq's form, also
 *       with {@code postgres://}); user, password and database are percent-decoded, the port
 *       defaults to 5432, {@code [::1]} and {@code host1:port1,host2:port2} lists work, and the
 *       parameters are passed to the JDBC driver as they are;
 *   <li>{@code jdbc:postgresql://host:port/database?user=…&password=…}, passed through after the
 *       driver has checked it.
 * </ul>
 *
 * <p>The password never appears in {@link #toString()} or in error messages.
 *
 * @param jdbcUrl a URL the PostgreSQL JDBC driver accepts
 * @param user the user, or null when the JDBC URL names it (or the driver's default applies)
 * @param password the password, or null
 */
public record PostgresUrl(String jdbcUrl, String user, String password) {
  static final int DEFAULT_PORT = 5432;
  private static final String JDBC_PREFIX = "jdbc:postgresql:";
  private static final List<String> SCHEMES = List.of("postgresql://", "postgres://");
  private static final String FORMS =
      "postgresql://user[:password]@host[:port]/database or jdbc:postgresql://host:port/database";
  // A host name, an IPv4 address or a bracketed IPv6 address; nothing that could smuggle in '/'.
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._~-]+|\\[[0-9A-Fa-f:.%]+\\]");

  /**
   * Parses either form.
   *
   * @throws IllegalArgumentException naming what is wrong and the accepted forms
   */
  public static PostgresUrl parse(String url) {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("the database URL is empty; expected " + FORMS);
    }
    String trimmed = url.strip();
    if (trimmed.regionMatches(true, 0, JDBC_PREFIX, 0, JDBC_PREFIX.length())) {
      return parseJdbc(trimmed);
    }
    for (String scheme : SCHEMES) {
      if (trimmed.regionMatches(true, 0, scheme, 0, scheme.length())) {
        return parseLibpq(trimmed, trimmed.substring(scheme.length()));
      }
    }
    throw bad(trimmed, "it is not a PostgreSQL URL; expected " + FORMS);
  }

  /** The URL as it can be shown in logs and errors: the password replaced by {@code ***}. */
  @Override
  public String toString() {
    String shown = redact(jdbcUrl);
    return user == null ? shown : shown + " (user " + user + (password == null ? "" : ", password ***") + ")";
  }

  private static PostgresUrl parseJdbc(String url) {
    // The driver's own parser, so what is accepted here is exactly what it will connect to.
    Properties parsed = Driver.parseURL(url, null);
    if (parsed == null) {
      throw bad(url, "the PostgreSQL JDBC driver cannot parse it; expected " + FORMS);
    }
    return new PostgresUrl(url, null, null);
  }

  private static PostgresUrl parseLibpq(String url, String rest) {
    if (rest.indexOf('#') >= 0) {
      throw bad(url, "a database URL has no '#' part (percent-encode a '#' in a password as %23)");
    }
    int q = rest.indexOf('?');
    String query = q < 0 ? null : rest.substring(q + 1);
    String beforeQuery = q < 0 ? rest : rest.substring(0, q);
    // The last '@' ends the user info, so an unencoded '@' or '/' in a password still works.
    int at = beforeQuery.lastIndexOf('@');
    int slash = beforeQuery.indexOf('/', at + 1);
    if (slash < 0 || slash == beforeQuery.length() - 1) {
      throw bad(url, "it names no database (…@host:port/database)");
    }
    String database = decode(url, "database name", beforeQuery.substring(slash + 1));
    if (database.contains("/")) {
      throw bad(url, "the database name cannot contain '/'");
    }
    String user = null;
    String password = null;
    if (at >= 0) {
      String userInfo = beforeQuery.substring(0, at);
      int colon = userInfo.indexOf(':');
      user = decode(url, "user", colon < 0 ? userInfo : userInfo.substring(0, colon));
      password = colon < 0 ? null : decode(url, "password", userInfo.substring(colon + 1));
      if (user.isEmpty()) {
        throw bad(url, "the user before '@' is empty");
      }
    }
    String hosts = hostList(url, beforeQuery.substring(at + 1, slash));
    // pgjdbc URL-decodes the database name (with '+' as a space), so encode it the same way.
    String jdbc = JDBC_PREFIX + "//" + hosts + "/" + URLEncoder.encode(database, StandardCharsets.UTF_8)
        + (query == null || query.isEmpty() ? "" : "?" + query);
    return new PostgresUrl(jdbc, user, password);
  }

  /** Checks {@code host[:port][,host[:port]]…}, filling in the default port. */
  private static String hostList(String url, String hosts) {
    if (hosts.isEmpty()) {
      throw bad(url, "it names no host (…@host:port/database)");
    }
    List<String> out = new ArrayList<>();
    for (String entry : hosts.split(",", -1)) {
      int close = entry.lastIndexOf(']');
      int colon = entry.lastIndexOf(':');
      boolean hasPort = colon > close;
      String host = hasPort ? entry.substring(0, colon) : entry;
      if (!HOST.matcher(host).matches()) {
        throw bad(url, "\"" + host + "\" is not a host name or address");
      }
      int port = hasPort ? port(url, entry.substring(colon + 1)) : DEFAULT_PORT;
      out.add(host + ":" + port);
    }
    return String.join(",", out);
  }

  private static int port(String url, String text) {
    if (text.matches("[0-9]{1,5}")) {
      int port = Integer.parseInt(text);
      if (port >= 1 && port <= 65_535) {
        return port;
      }
    }
    throw bad(url, "the port \"" + text + "\" is not a number from 1 to 65535");
  }

  /** RFC 3986 percent-decoding as UTF-8 ('+' stays '+', unlike URLDecoder). */
  private static String decode(String url, String what, String text) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != '%') {
        bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
        continue;
      }
      int hi = i + 2 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
      int lo = hi >= 0 ? Character.digit(text.charAt(i + 2), 16) : -1;
      if (lo < 0) {
        // Not echoed: the text may be the password.
        throw bad(url, "the " + what + " has a '%' that is not followed by two hex digits");
      }
      bytes.write(hi * 16 + lo);
      i += 2;
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static IllegalArgumentException bad(String url, String why) {
    return new IllegalArgumentException("bad database URL \"" + redact(url) + "\": " + why);
  }

  /**
   * Replaces the password in either form by {@code ***}. Errs on the side of hiding: everything
   * from the first ':' after "//" to the last '@' goes, since a badly encoded password may hold
   * '/', '?' or '#'.
   */
  static String redact(String url) {
    String out = url.replaceAll("(?i)([?&;]password=)[^&]*", "$1***");
    int start = out.indexOf("//");
    if (start < 0) {
      return out;
    }
    int colon = out.indexOf(':', start + 2);
    int at = out.lastIndexOf('@');
    return colon >= 0 && colon < at ? out.substring(0, colon + 1) + "***" + out.substring(at) : out;
  }
}
