package dev.quire.cli;

import dev.quire.server.QuireServer;
import dev.quire.server.config.ConfigException;
import dev.quire.server.config.ConfigLoader;
import dev.quire.server.config.QuireConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quire serve}: runs the server until SIGTERM or Ctrl-C. Each setting can come from the
 * defaults, a {@code --config} properties file, the environment ({@code QUIRE_PORT}) or a flag,
 * each overriding the one before.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
        "Runs the Quire server: the ShareDB protocol on WebSocket /ws, health on /health/live and /health/ready.",
        "Settings come from defaults, then --config FILE (properties: port=8080), then the environment",
        "(QUIRE_PORT, QUIRE_DATA_DIR, ...), then flags; each overrides the one before."
    })
final class ServeCommand implements Callable<Integer> {
  @Option(names = "--config", paramLabel = "FILE", description = "a properties file of settings (keys as the flags, without --)")
  Path configFile;

  @Option(names = "--host", paramLabel = "ADDR", description = "address to listen on (default 127.0.0.1; 0.0.0.0 for all)")
  String host;

  @Option(names = "--port", paramLabel = "PORT", description = "HTTP and WebSocket port (default 8080; 0 picks a free one)")
  String port;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "folder of the embedded store (default ./quire-data)")
  String dataDir;

  @Option(names = "--max-frame-bytes", paramLabel = "N", description = "largest WebSocket frame accepted (default 1048576); bigger ones close with 1009")
  String maxFrameBytes;

  @Option(names = "--max-op-components", paramLabel = "N", description = "most components in one op (default 100000)")
  String maxOpComponents;

  @Option(names = "--max-op-bytes", paramLabel = "N", description = "most bytes of JSON in one op (default 1048576)")
  String maxOpBytes;

  @Option(names = "--max-doc-length", paramLabel = "N", description = "most characters in one document (default 10000000)")
  String maxDocLength;

  @Option(names = "--rate-limit", paramLabel = "N", description = "messages per second per connection, on average (default 500)")
  String rateLimit;

  @Option(names = "--rate-burst", paramLabel = "N", description = "messages per connection at once (default 2000)")
  String rateBurst;

  @Option(names = "--max-inbox", paramLabel = "N", description = "messages waiting per connection before it is closed (default 10000)")
  String maxInbox;

  @Option(names = "--max-queued-bytes", paramLabel = "N", description = "bytes queued to a client that does not read before it is closed (default 16777216)")
  String maxQueuedBytes;

  @Option(names = "--ws-idle-timeout", paramLabel = "DURATION", description = "close a silent connection after this long (default PT2M)")
  String wsIdleTimeout;

  @Option(names = "--doc-idle-timeout", paramLabel = "DURATION", description = "unload a document nobody has open after this long (default PT1M)")
  String docIdleTimeout;

  @Option(names = "--snapshot-every", paramLabel = "N", description = "ops between snapshots of a document, or its length / 1,024 if more (default 100)")
  String snapshotEvery;

  @Option(names = "--send-linger-ms", paramLabel = "MS", description = "a busy document writes to each subscriber at most once per this many ms, its frames in between going together; 0 writes every turn (default 0)")
  String sendLingerMs;

  @Option(names = "--max-batch", paramLabel = "N", description = "most ops committed in one transaction (default 256)")
  String maxBatch;

  @Option(names = "--max-submit-retries", paramLabel = "N", description = "commit races one op may lose without progress, then its client is asked to resend it (default 100)")
  String maxSubmitRetries;

  @Option(names = "--shutdown-grace", paramLabel = "DURATION", description = "how long a stopping server waits for commits in flight (default PT10S)")
  String shutdownGrace;

  @Option(names = "--database-url", paramLabel = "URL", description = "cluster mode: PostgreSQL, postgresql://user[:password]@host:port/db or jdbc:postgresql:... (default: the embedded store)")
  String databaseUrl;

  @Option(names = {"--database-replica-url", "--database-replica-urls"}, paramLabel = "URL", description = "cluster mode: a streaming replica of --database-url that serves reads when fresh enough (history, document lists); repeatable, or comma-separated")
  List<String> databaseReplicaUrls;

  @Option(names = "--redis-url", paramLabel = "URL", description = "cluster mode: Redis, redis://host:port (default: the in-process bus)")
  String redisUrl;

  @Option(names = "--catalog-flush", paramLabel = "DURATION", description = "how often edit times and titles are written to the document list, at most one write per document (default: PT2S)")
  String catalogFlush;

  @Option(names = "--auth", paramLabel = "MODE", description = "accounts (sign-in required, the default) or open (no accounts: everyone who reaches the server may do everything; tests and benchmarks)")
  String auth;

  @Option(names = "--signup", paramLabel = "true|false", description = "whether people may create their own accounts (default true)")
  String signup;

  @Option(names = "--session-idle-timeout", paramLabel = "DURATION", description = "a session unused this long ends (default P7D)")
  String sessionIdleTimeout;

  @Option(names = "--session-max-age", paramLabel = "DURATION", description = "a session ends this long after sign-in (default P30D)")
  String sessionMaxAge;

  @Option(names = "--allowed-origins", paramLabel = "ORIGINS", description = "web origins besides the server's own allowed to use it from a browser, comma-separated")
  String allowedOrigins;

  @Option(names = "--trusted-proxies", paramLabel = "ADDRS", description = "reverse proxies whose X-Forwarded-For is believed, comma-separated")
  String trustedProxies;

  @Option(names = "--api-rate-limit", paramLabel = "N", description = "REST requests per second per client address, on average (default 50)")
  String apiRateLimit;

  @Option(names = "--api-rate-burst", paramLabel = "N", description = "REST requests per client address at once (default 200)")
  String apiRateBurst;

  @Option(names = "--database-partitions", paramLabel = "N", description = "cluster mode: hash partitions of the op log and snapshots, 1 to 1024, used when the schema is created; later changes have no effect (default 16)")
  String databasePartitions;

  @Option(names = "--op-retention", paramLabel = "DURATION", description = "delete ops older than this (P90D) once a kept snapshot covers them (default: keep every op)")
  String opRetention;

  @Option(names = "--snapshot-interval", paramLabel = "N", description = "with --op-retention: ops between the snapshots kept where ops were deleted (default 1000)")
  String snapshotInterval;

  @Option(names = "--compaction-every", paramLabel = "DURATION", description = "with --op-retention: how often the compactor runs (default PT1H)")
  String compactionEvery;

  @Override
  public Integer call() throws InterruptedException {
    Map<String, String> flags = new LinkedHashMap<>();
    put(flags, "host", host);
    put(flags, "port", port);
    put(flags, "data-dir", dataDir);
    put(flags, "max-frame-bytes", maxFrameBytes);
    put(flags, "max-op-components", maxOpComponents);
    put(flags, "max-op-bytes", maxOpBytes);
    put(flags, "max-doc-length", maxDocLength);
    put(flags, "rate-limit", rateLimit);
    put(flags, "rate-burst", rateBurst);
    put(flags, "max-inbox", maxInbox);
    put(flags, "max-queued-bytes", maxQueuedBytes);
    put(flags, "ws-idle-timeout", wsIdleTimeout);
    put(flags, "doc-idle-timeout", docIdleTimeout);
    put(flags, "snapshot-every", snapshotEvery);
    put(flags, "send-linger-ms", sendLingerMs);
    put(flags, "max-batch", maxBatch);
    put(flags, "max-submit-retries", maxSubmitRetries);
    put(flags, "shutdown-grace", shutdownGrace);
    put(flags, "database-url", databaseUrl);
    put(flags, "redis-url", redisUrl);
    if (databaseReplicaUrls != null) {
      flags.put("database-replica-urls", String.join(",", databaseReplicaUrls));
    }
    put(flags, "catalog-flush", catalogFlush);
    put(flags, "auth", auth);
    put(flags, "signup", signup);
    put(flags, "session-idle-timeout", sessionIdleTimeout);
    put(flags, "session-max-age", sessionMaxAge);
    put(flags, "allowed-origins", allowedOrigins);
    put(flags, "trusted-proxies", trustedProxies);
    put(flags, "api-rate-limit", apiRateLimit);
    put(flags, "api-rate-burst", apiRateBurst);
    put(flags, "database-partitions", databasePartitions);
    put(flags, "op-retention", opRetention);
    put(flags, "snapshot-interval", snapshotInterval);
    put(flags, "compaction-every", compactionEvery);
    QuireConfig config;
    try {
      config = ConfigLoader.load(configFile, System.getenv(), flags);
    } catch (ConfigException e) {
      System.err.println("quire serve: " + e.getMessage());
      return 2;
    }
    QuireServer server;
    try {
      server = QuireServer.start(config);
    } catch (RuntimeException e) {
      System.err.println("quire serve: cannot start: " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "quire-shutdown"));
    stopped.await();
    return 0;
  }

  private static void put(Map<String, String> flags, String name, String value) {
    if (value != null) {
      flags.put(name, value);
    }
  }
}
