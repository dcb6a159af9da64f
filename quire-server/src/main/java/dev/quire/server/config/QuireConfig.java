package dev.quire.server.config;

import dev.quire.ot.OtLimits;
import java.nio.file.Path;
import dev.quire.server.auth.AuthMode;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Everything a Quire server is configured with: one immutable record, built by
 * {@link ConfigLoader} from defaults ← file ← environment ← flags and validated once at start.
 *
 * @param host the address to listen on
 * @param port the HTTP/WebSocket port (0 picks a free one)
 * @param dataDir where the embedded store keeps its files
 * @param maxFrameBytes largest WebSocket frame accepted; bigger ones are refused with close 1009
 * @param limits op and document limits
 * @param rateLimit messages per second a connection may send, on average
 * @param rateBurst messages a connection may send at once
 * @param maxInbox messages a connection may have waiting before it is closed
 * @param maxQueuedBytes bytes queued to a client that is not reading before it is disconnected
 * @param wsIdleTimeout a connection silent this long is closed (clients ping every few seconds)
 * @param docIdleTimeout a document without subscribers this long leaves memory
 * @param snapshotEvery ops between snapshots of a document (more in a long one: see SequencerSettings)
 * @param maxBatch most ops committed in one transaction
 * @param maxSubmitRetries retries of one op after losing a commit race
 * @param shutdownGrace how long a stopping server waits for commits in flight
 * @param databaseUrl PostgreSQL for cluster mode ({@code postgresql://…} or {@code jdbc:postgresql:…}),
 *     or null for the embedded store in {@code dataDir}
 * @param redisUrl Redis for cluster mode ({@code redis://host:port}), or null for the in-process bus
 * @param catalogFlush how often the edit times and titles gathered in memory are written to the
 *     document catalog: a document edited without pause costs one catalog write per period
 * @param auth whether accounts are required ({@code accounts}, the default) or everyone who
 *     reaches the server is one team ({@code open}: tests, benchmarks)
 * @param signup whether people may create their own accounts
 * @param sessionIdleTimeout a session unused this long ends
 * @param sessionMaxAge a session ends this long after sign-in, used or not
 * @param allowedOrigins web origins besides the server's own that may use it with a visitor's
 *     cookie ({@code https://docs.example.com}); pages of any other origin are refused
 * @param trustedProxies addresses of reverse proxies whose {@code X-Forwarded-For} is believed
 * @param apiRateLimit REST requests per second one client address may make on average
 * @param apiRateBurst REST requests one client address may make at once
 * @param databaseReplicaUrls streaming replicas of {@code databaseUrl} that may serve reads when
 *     they are fresh enough for the reader (history, listings); empty for none
 * @param databasePartitions hash partitions of the op log and snapshots, used when the PostgreSQL
 *     schema is created (later changes have no effect)
 * @param opRetention ops older than this are deleted once a kept snapshot covers them, or null
 *     to keep every op (the default)
 * @param snapshotInterval ops between the snapshots kept where ops were deleted: the history of
 *     a compacted range is viewable at these versions
 * @param compactionEvery how often the compactor runs (when {@code opRetention} is set)
 * @param sendLingerMillis how long a document that has just written to its subscribers holds its
 *     next frames, so that they go in one write with those that follow (0: written at once)
 */
public record QuireConfig(
    String host,
    int port,
    Path dataDir,
    int maxFrameBytes,
    OtLimits limits,
    double rateLimit,
    int rateBurst,
    int maxInbox,
    long maxQueuedBytes,
    Duration wsIdleTimeout,
    Duration docIdleTimeout,
    int snapshotEvery,
    int maxBatch,
    int maxSubmitRetries,
    Duration shutdownGrace,
    String databaseUrl,
    String redisUrl,
    Duration catalogFlush,
    AuthMode auth,
    boolean signup,
    Duration sessionIdleTimeout,
    Duration sessionMaxAge,
    Set<String> allowedOrigins,
    Set<String> trustedProxies,
    double apiRateLimit,
    int apiRateBurst,
    List<String> databaseReplicaUrls,
    int databasePartitions,
    Duration opRetention,
    int snapshotInterval,
    Duration compactionEvery,
    int sendLingerMillis) {

  public QuireConfig {
    allowedOrigins = Set.copyOf(allowedOrigins);
    trustedProxies = Set.copyOf(trustedProxies);
    databaseReplicaUrls = List.copyOf(databaseReplicaUrls);
  }
}
