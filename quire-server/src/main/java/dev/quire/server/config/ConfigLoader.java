package dev.quire.server.config;

import dev.quire.ot.OtLimits;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import dev.quire.server.auth.AuthMode;
import dev.quire.server.store.postgres.PostgresUrl;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Builds a {@link QuireConfig} from layers, each overriding the one before: built-in defaults,
 * a properties file ({@code --config FILE}), environment variables ({@code QUIRE_PORT} for
 * {@code port}) and command-line flags ({@code --port}). Every value is checked once, and a bad
 * one fails start-up with a message naming the setting, where it was set and what would work.
 */
public final class ConfigLoader {

  /** One setting: its name (also the flag {@code --name} and the file key), default and help. */
  public record Setting(String name, String defaultValue, String help) {
    public String env() {
      return "QUIRE_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
    }
  }

  public static final List<Setting> SETTINGS = List.of(
      new Setting("host", "127.0.0.1", "address to listen on (0.0.0.0 for all interfaces)"),
      new Setting("port", "8080", "HTTP and WebSocket port; 0 picks a free one"),
      new Setting("data-dir", "./quire-data", "folder of the embedded store"),
      new Setting("max-frame-bytes", "1048576", "largest WebSocket frame accepted (bytes); bigger ones close with 1009"),
      new Setting("max-op-components", "100000", "most components in one op"),
      new Setting("max-op-bytes", "1048576", "most bytes of JSON in one op"),
      new Setting("max-doc-length", "10000000", "most characters (UTF-16 units) in one document"),
      new Setting("rate-limit", "500", "messages per second one connection may send on average"),
      new Setting("rate-burst", "2000", "messages one connection may send at once"),
      new Setting("max-inbox", "10000", "messages waiting per connection before it is closed"),
      new Setting("max-queued-bytes", "16777216", "bytes queued to a client that does not read before it is closed"),
      new Setting("ws-idle-timeout", "PT2M", "close a silent connection after this long (ISO-8601 duration)"),
      new Setting("doc-idle-timeout", "PT1M", "unload a document nobody has open after this long"),
      new Setting("snapshot-every", "100", "ops between snapshots of a document, or its length / 1,024 if more"),
      new Setting("max-batch", "256", "most ops committed in one transaction (group commit)"),
      new Setting("send-linger-ms", "0", "a busy document writes to each subscriber at most once per this many ms, its frames in between going together (0: every turn writes)"),
      new Setting("max-submit-retries", "100", "commit races one op may lose without progress; then its client is asked to resend it"),
      new Setting("shutdown-grace", "PT10S", "how long a stopping server waits for commits in flight"),
      new Setting("database-url", "", "cluster mode: PostgreSQL, postgresql://user[:password]@host:port/db (empty: the embedded store)"),
      new Setting("redis-url", "", "cluster mode: Redis, redis://host:port (empty: the in-process bus)"),
      new Setting("catalog-flush", "PT2S", "how often edit times and titles are written to the document list (at most one write per document)"),
      new Setting("auth", "accounts", "accounts (sign-in required) or open (no accounts: everyone who reaches the server may do everything)"),
      new Setting("signup", "true", "whether people may create their own accounts (true or false)"),
      new Setting("session-idle-timeout", "P7D", "a session unused this long ends (ISO-8601 duration)"),
      new Setting("session-max-age", "P30D", "a session ends this long after sign-in, used or not"),
      new Setting("allowed-origins", "", "web origins besides the server's own allowed to use it from a browser, comma-separated (https://docs.example.com)"),
      new Setting("trusted-proxies", "", "addresses of reverse proxies whose X-Forwarded-For is believed, comma-separated"),
      new Setting("api-rate-limit", "50", "REST requests per second one client address, and one person, may make on average"),
      new Setting("api-rate-burst", "200", "REST requests one client address, and one person, may make at once"),
      new Setting("database-replica-urls", "", "cluster mode: streaming replicas of database-url that serve reads when fresh enough, comma-separated (one host each)"),
      new Setting("database-partitions", "16", "cluster mode: hash partitions of the op log and snapshots, 1 to 1024; used when the schema is created, later changes have no effect"),
      new Setting("op-retention", "", "delete ops older than this (ISO-8601 duration, P90D) once a kept snapshot covers them; empty keeps every op"),
      new Setting("snapshot-interval", "1000", "with op-retention: ops between the snapshots kept where ops were deleted (history stays viewable at these versions)"),
      new Setting("compaction-every", "PT1H", "with op-retention: how often the compactor runs"));

  private ConfigLoader() {}

  /**
   * @param file a properties file, or null
   * @param env the environment (System.getenv())
   * @param flags settings given on the command line, by name
   */
  public static QuireConfig load(Path file, Map<String, String> env, Map<String, String> flags)
      throws ConfigException {
    Map<String, String> values = new LinkedHashMap<>();
    Map<String, String> origin = new LinkedHashMap<>();
    for (Setting s : SETTINGS) {
      values.put(s.name(), s.defaultValue());
      origin.put(s.name(), "the default");
    }
    if (file != null) {
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        p.load(r);
      } catch (IOException e) {
        throw new ConfigException("cannot read the configuration file " + file + ": " + e.getMessage());
      }
      for (String key : p.stringPropertyNames()) {
        if (find(key) == null) {
          throw new ConfigException("unknown setting \"" + key + "\" in " + file + "; known: " + names());
        }
        values.put(key, p.getProperty(key).trim());
        origin.put(key, file.toString());
      }
    }
    for (Setting s : SETTINGS) {
      String v = env.get(s.env());
      if (v != null) {
        values.put(s.name(), v.trim());
        origin.put(s.name(), "the environment variable " + s.env());
      }
    }
    for (Map.Entry<String, String> f : flags.entrySet()) {
      if (find(f.getKey()) == null) {
        throw new ConfigException("unknown setting --" + f.getKey());
      }
      values.put(f.getKey(), f.getValue().trim());
      origin.put(f.getKey(), "the flag --" + f.getKey());
    }
    Parser p = new Parser(values, origin);
    int maxOpBytes = p.integer("max-op-bytes", 2, Integer.MAX_VALUE);
    int maxFrame = p.integer("max-frame-bytes", 64, Integer.MAX_VALUE);
    if (maxOpBytes > maxFrame) {
      throw new ConfigException("max-op-bytes (" + maxOpBytes + ") cannot exceed max-frame-bytes (" + maxFrame
          + "): an op travels inside one frame; raise max-frame-bytes or lower max-op-bytes");
    }
    return new QuireConfig(
        p.text("host"),
        p.integer("port", 0, 65535),
        Path.of(p.text("data-dir")),
        maxFrame,
        new OtLimits(p.integer("max-op-components", 1, Integer.MAX_VALUE), maxOpBytes,
            p.integer("max-doc-length", 1, Integer.MAX_VALUE - 64)),
        p.decimal("rate-limit", 0.1, 1_000_000),
        p.integer("rate-burst", 1, Integer.MAX_VALUE),
        p.integer("max-inbox", 1, Integer.MAX_VALUE),
        p.integer("max-queued-bytes", 1024, Integer.MAX_VALUE),
        p.duration("ws-idle-timeout"),
        p.duration("doc-idle-timeout"),
        p.integer("snapshot-every", 1, Integer.MAX_VALUE),
        p.integer("max-batch", 1, 100_000),
        p.integer("max-submit-retries", 0, 1000),
        p.duration("shutdown-grace"),
        p.optional("database-url"),
        p.optional("redis-url"),
        p.durationBetween("catalog-flush", Duration.ofMillis(50), Duration.ofMinutes(1)),
        p.choice("auth", AuthMode.class),
        p.bool("signup"),
        p.duration("session-idle-timeout"),
        p.duration("session-max-age"),
        p.origins("allowed-origins"),
        p.list("trusted-proxies"),
        p.decimal("api-rate-limit", 0.1, 1_000_000),
        p.integer("api-rate-burst", 1, Integer.MAX_VALUE),
        p.replicas("database-replica-urls", "database-url"),
        p.integer("database-partitions", 1, 1024),
        p.optionalDuration("op-retention"),
        p.integer("snapshot-interval", 1, 1_000_000_000),
        p.durationBetween("compaction-every", Duration.ofSeconds(1), Duration.ofDays(7)),
        p.integer("send-linger-ms", 0, 1000));
  }

  private static Setting find(String name) {
    for (Setting s : SETTINGS) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    return null;
  }

  private static String names() {
    StringBuilder sb = new StringBuilder();
    for (Setting s : SETTINGS) {
      sb.append(sb.length() == 0 ? "" : ", ").append(s.name());
    }
    return sb.toString();
  }

  private record Parser(Map<String, String> values, Map<String, String> origin) {
    String text(String name) throws ConfigException {
      String v = values.get(name);
      if (v.isEmpty()) {
        throw bad(name, "it must not be empty");
      }
      return v;
    }

    /** A value that may be left empty; null when it is. */
    String optional(String name) {
      String v = values.get(name);
      return v.isEmpty() ? null : v;
    }

    int integer(String name, long min, long max) throws ConfigException {
      try {
        long v = Long.parseLong(values.get(name));
        if (v < min || v > max) {
          throw bad(name, "it must be between " + min + " and " + max);
        }
        return (int) v;
      } catch (NumberFormatException e) {
        throw bad(name, "it must be a whole number between " + min + " and " + max);
      }
    }

    double decimal(String name, double min, double max) throws ConfigException {
      try {
        double v = Double.parseDouble(values.get(name));
        if (!(v >= min && v <= max)) {
          throw bad(name, "it must be between " + min + " and " + max);
        }
        return v;
      } catch (NumberFormatException e) {
        throw bad(name, "it must be a number between " + min + " and " + max);
      }
    }

    Duration duration(String name) throws ConfigException {
      try {
        Duration d = Duration.parse(values.get(name));
        if (d.isNegative() || d.isZero()) {
          throw bad(name, "it must be positive");
        }
        return d;
      } catch (java.time.format.DateTimeParseException e) {
        throw bad(name, "it must be an ISO-8601 duration such as PT30S or PT5M");
      }
    }

    /** A duration that may be left empty; null when it is. */
    Duration optionalDuration(String name) throws ConfigException {
      return values.get(name).isEmpty() ? null : duration(name);
    }

    Duration durationBetween(String name, Duration min, Duration max) throws ConfigException {
      Duration d = duration(name);
      if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
        throw bad(name, "it must be between " + min + " and " + max);
      }
      return d;
    }

    <E extends Enum<E>> E choice(String name, Class<E> type) throws ConfigException {
      StringBuilder known = new StringBuilder();
      for (E e : type.getEnumConstants()) {
        String key = e.name().toLowerCase(Locale.ROOT);
        if (key.equals(values.get(name))) {
          return e;
        }
        known.append(known.length() == 0 ? "" : " or ").append(key);
      }
      throw bad(name, "it must be " + known);
    }

    boolean bool(String name) throws ConfigException {
      return switch (values.get(name)) {
        case "true" -> true;
        case "false" -> false;
        default -> throw bad(name, "it must be true or false");
      };
    }

    /** A comma-separated list; empty entries are dropped. */
    Set<String> list(String name) {
      Set<String> out = new LinkedHashSet<>();
      for (String part : values.get(name).split(",")) {
        if (!part.isBlank()) {
          out.add(part.strip());
        }
      }
      return out;
    }

    Set<String> origins(String name) throws ConfigException {
      Set<String> out = list(name);
      for (String o : out) {
        if (!o.matches("https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?|https?://\\[[0-9A-Fa-f:]+\\](:[0-9]{1,5})?")) {
          throw bad(name, "\"" + o + "\" is not an origin: scheme://host[:port], no path, such as https://docs.example.com");
        }
      }
      return out;
    }

    /**
     * Read replicas of the PostgreSQL store: each a URL {@link PostgresUrl} takes, naming one host
     * (the list is comma-separated, so a URL cannot hold a host list), none twice and none the
     * primary itself; only with {@code primary} set.
     */
    List<String> replicas(String name, String primary) throws ConfigException {
      Set<String> urls = list(name);
      if (urls.isEmpty()) {
        return List.of();
      }
      if (optional(primary) == null) {
        throw unshown(name, "read replicas need the PostgreSQL store; set " + primary + " to the primary as well");
      }
      Set<String> seen = new LinkedHashSet<>();
      String primaryJdbc = jdbcUrl(name, values.get(primary));
      for (String url : urls) {
        String jdbc = jdbcUrl(name, url);
        if (jdbc.equals(primaryJdbc)) {
          throw unshown(name, "a replica cannot be the primary (" + primary + ") itself");
        }
        if (!seen.add(jdbc)) {
          throw unshown(name, "a replica is listed twice");
        }
      }
      return List.copyOf(urls);
    }

    private String jdbcUrl(String name, String url) throws ConfigException {
      try {
        return PostgresUrl.parse(url).jdbcUrl();
      } catch (IllegalArgumentException e) {
        throw unshown(name, e.getMessage() + " (a comma separates replicas, so each names one host; percent-encode"
            + " a comma in a password as %2C)");
      }
    }

    /** {@link #bad} without the value, which may hold a password (the parser's message redacts it). */
    ConfigException unshown(String name, String why) {
      return new ConfigException("invalid " + name + " (from " + origin.get(name) + "): " + why);
    }

    ConfigException bad(String name, String why) {
      return new ConfigException("invalid " + name + " \"" + values.get(name) + "\" (from " + origin.get(name) + "): " + why);
    }
  }
}
