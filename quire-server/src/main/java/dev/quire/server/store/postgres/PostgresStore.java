package dev.quire.server.store.postgres;

import static dev.quire.server.store.postgres.PostgresRows.AFTER_DOC;
import static dev.quire.server.store.postgres.PostgresRows.bindDoc;

import dev.quire.server.store.CommitResult;
import dev.quire.server.store.DocumentCatalog;
import dev.quire.server.store.DocumentKey;
import dev.quire.server.store.DocumentStore;
import dev.quire.server.store.OpsCompactedException;
import dev.quire.server.store.StoreArguments;
import dev.quire.server.store.StoreException;
import dev.quire.server.store.StoredOp;
import dev.quire.server.store.StoredSnapshot;
import dev.quire.server.auth.AccountStore;
import dev.quire.server.comments.CommentStore;
import dev.quire.server.store.jdbc.JdbcAccounts;
import dev.quire.server.store.jdbc.JdbcCatalog;
import dev.quire.server.store.jdbc.RetentionSql;
import dev.quire.server.store.jdbc.JdbcComments;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Map;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster store: PostgreSQL, shared by every Quire server in front of it.
 *
 * <p>The commit fence is the op log's primary key {@code (org_id, collection, doc_id, version)}: a commit
 * is one statement that inserts the whole batch only if the head is where the batch starts (see
 * {@link PostgresRows#INSERT_AT_HEAD}); zero rows or a unique violation (SQLSTATE 23505, the
 * version or an op's {@code (src, seq)} taken) is a {@link CommitResult#CONFLICT}, never an
 * exception. One statement in autocommit is one transaction and one round trip, however many ops
 * it carries (group commit); commits of several documents that queue up meanwhile share one
 * transaction too, each still its own compare-and-set ({@link PostgresGroupCommit}). It is
 * durable when it returns: {@code synchronous_commit} is kept on.
 * A commit whose connection is lost is a {@link StoreException} and is not retried, since it may
 * or may not have landed; reads are retried once on a fresh connection.
 *
 * <p>Ops and snapshots are {@code text}, not {@code jsonb}, so lone surrogates escaped in the JSON
 * survive (see the migration). Ops and snapshots are hash-partitioned by the document's
 * organization (the V8 migration); every statement names it ({@link OrgResolver}), so each touches
 * one partition. The schema is migrated by Flyway when the store opens; several
 * servers opening at once are serialised by Flyway's lock.
 */
public final class PostgresStore implements DocumentStore {
  static final String MIGRATIONS = "classpath:db/migration/postgresql";
  /** Commit groups in flight at once, each on its own pooled connection. */
  static final int COMMITTERS = Integer.getInteger("quire.pg.committers", 8);
  /** Hash partitions of ops and snapshots when the setting is not given (database-partitions). */
  public static final int DEFAULT_PARTITIONS = 16;
  public static final int MAX_PARTITIONS = 1024;
  private static final Logger log = LoggerFactory.getLogger(PostgresStore.class);

  private final PostgresUrl url;
  private final PostgresConnections db;
  private final PostgresGroupCommit commits;
  private final DocumentCatalog catalog;
  private final AccountStore accounts;
  private final OrgResolver orgs;
  private final CommentStore comments;

  private PostgresStore(PostgresUrl url, PostgresConnections db) {
    this(url, db, COMMITTERS);
  }

  private PostgresStore(PostgresUrl url, PostgresConnections db, int committers) {
    this.url = url;
    this.db = db;
    // A replica (no committers) may not have replayed a new document's catalog row yet: it must
    // not remember "default" for it (see OrgResolver).
    this.orgs = new OrgResolver(db, OrgResolver.CAPACITY, committers > 0);
    this.commits = new PostgresGroupCommit(db, orgs, committers);
    // Every catalog statement is idempotent, so reads and writes alike may be retried once.
    this.catalog = new JdbcCatalog((what, work) -> db.retryable(what, work::run), (what, work) -> db.retryable(what, work::run));
    this.accounts = new JdbcAccounts((what, work) -> db.retryable(what, work::run), (what, work) -> db.retryable(what, work::run));
    this.comments = new JdbcComments((what, work) -> db.retryable(what, work::run), (what, work) -> db.retryable(what, work::run));
  }

  /** People, sessions, tokens and document roles, in the same database and on the same pool. */
  public AccountStore accounts() {
    return accounts;
  }

  /** Comment threads, in the same database and on the same connections. */
  public CommentStore comments() {
    return comments;
  }

  /** The document catalog, in the same database and on the same pool. */
  public DocumentCatalog catalog() {
    return catalog;
  }

  /**
   * Opens the store at {@code url} (either form that {@link PostgresUrl#parse} takes), checks the
   * database and brings its schema up to date. The database itself must exist.
   *
   * @throws IllegalArgumentException if the URL is malformed
   * @throws StoreException if PostgreSQL cannot be reached or refuses the login, the database is
   *     not UTF-8, or a migration fails
   */
  public static PostgresStore open(String url) {
    return open(PostgresUrl.parse(url), DEFAULT_PARTITIONS);
  }

  /**
   * {@link #open(String)}, creating the schema (when the database has none yet) with {@code
   * partitions} hash partitions of the op log and of the snapshots; a database installed already
   * keeps the count it has (see {@link #installedPartitions}).
   */
  public static PostgresStore open(String url, int partitions) {
    return open(PostgresUrl.parse(url), partitions);
  }

  /** Opens the store at an already parsed URL; see {@link #open(String, int)}. */
  public static PostgresStore open(PostgresUrl url, int partitions) {
    Objects.requireNonNull(url, "url");
    if (partitions < 1 || partitions > MAX_PARTITIONS) {
      throw new IllegalArgumentException("partitions must be between 1 and " + MAX_PARTITIONS + ", got " + partitions);
    }
    PostgresConnections db;
    try {
      db = PostgresConnections.open(url);
    } catch (RuntimeException e) { // Hikari's PoolInitializationException, wrapping the cause
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new StoreException(
          "could not connect to PostgreSQL at " + url + ": " + cause.getMessage(), e);
    }
    PostgresStore store = new PostgresStore(url, db);
    try {
      store.checkEncoding();
      migrate(db, partitions);
      int installed = store.installedPartitions();
      if (installed != partitions) {
        log.warn("database-partitions is {}, but the database at {} was installed with {} partitions;"
            + " the setting only counts when the schema is created, so {} partitions are used", partitions, url,
            installed, installed);
      }
      return store;
    } catch (FlywayException e) {
      store.close();
      throw new StoreException("could not migrate the schema at " + url + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /**
   * A read-only store on a streaming replica of the primary: the same reads, on a small pool that
   * does not connect until it is used (a replica that is down at start is not an error) and gives
   * up quickly. It migrates nothing and commits nothing (a commit fails as on a closed store).
   * Deciding when a replica is fresh enough to read is the caller's business.
   *
   * @param name tells its pools apart in logs
   */
  public static PostgresStore openReplica(PostgresUrl url, String name) {
    Objects.requireNonNull(url, "url");
    PostgresStore store = new PostgresStore(url, PostgresConnections.openReplica(url, name), 0);
    store.commits.close();
    return store;
  }

  /**
   * Where this server is in the write-ahead log (a primary: its write position; a standby: what it
   * has replayed), read within about 2 s; empty, never an exception, when it cannot be read.
   */
  public Optional<WalPosition> walPosition() {
    try {
      return Optional.of(db.retryable("read the WAL position", c -> {
        try (PreparedStatement ps = c.prepareStatement(WalPosition.QUERY)) {
          ps.setQueryTimeout((int) PostgresConnections.HEALTH_WAIT.toSeconds());
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return new WalPosition(rs.getBoolean(1), rs.getLong(2));
          }
        }
      }));
    } catch (StoreException e) {
      return Optional.empty(); // closed, unreachable, timed out: the caller reads elsewhere
    }
  }

  static void migrate(PostgresConnections db, int partitions) {
    Flyway.configure(PostgresStore.class.getClassLoader()) // not the thread's: may be anything
        .dataSource(db.dataSource())
        .locations(MIGRATIONS)
        // Read by V8 only, when it runs: later values change nothing (placeholders are not part
        // of a migration's checksum, so a different value never fails validation).
        .placeholders(Map.of("partitions", Integer.toString(partitions)))
        // A jar packaged without its migrations must fail here, not with "no such table" later.
        .failOnMissingLocations(true)
        .validateMigrationNaming(true)
        .load()
        .migrate();
  }

  /**
   * Text goes to the server as UTF-8; a database in another encoding would refuse (or, in
   * SQL_ASCII, not check) characters it cannot hold, so it is refused up front.
   */
  private void checkEncoding() {
    String encoding = setting("server_encoding");
    if (!"UTF8".equalsIgnoreCase(encoding)) {
      throw new StoreException("the database at " + url + " has encoding " + encoding
          + "; Quire needs UTF8 (CREATE DATABASE … ENCODING 'UTF8' TEMPLATE template0)", null);
    }
  }

  @Override
  public CommitResult commit(String collection, String docId, List<StoredOp> ops) {
    StoreArguments.checkBatch(collection, docId, ops);
    return commits.commit(collection, docId, List.copyOf(ops));
  }

  /** Queues the batch for the next commit group; no thread waits for it. */
  @Override
  public java.util.concurrent.CompletableFuture<CommitResult> commitAsync(String collection, String docId,
      List<StoredOp> ops, java.util.concurrent.Executor executor) {
    StoreArguments.checkBatch(collection, docId, ops);
    return commits.submit(collection, docId, List.copyOf(ops));
  }

  @Override
  public long headVersion(String collection, String docId) {
    StoreArguments.checkDoc(collection, docId);
    String org = orgs.orgOf(docId);
    return db.retryable("read the head version of " + StoreArguments.name(collection, docId), c -> {
      try (PreparedStatement ps = c.prepareStatement(PostgresRows.HEAD)) {
        bindDoc(ps, org, collection, docId);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next(); // an aggregate: always one row
          return rs.getLong(1);
        }
      }
    });
  }

  @Override
  public List<StoredOp> ops(String collection, String docId, long from, long to) {
    StoreArguments.checkRange(collection, docId, from, to);
    String what = "read ops " + from + ".." + to + " of " + StoreArguments.name(collection, docId);
    String org = orgs.orgOf(docId);
    return db.retryable(what, c -> {
      List<StoredOp> ops = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(PostgresRows.OPS_IN_RANGE)) {
        bindDoc(ps, org, collection, docId);
        ps.setLong(AFTER_DOC, from);
        ps.setLong(AFTER_DOC + 1, to);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            ops.add(PostgresRows.op(collection, docId, rs));
          }
        }
      }
      OpsCompactedException.checkRange(collection, docId, from, to, ops, () -> PostgresRows.RETENTION.oldestKept(c, org, collection, docId));
      return ops;
    });
  }

  @Override
  public Optional<StoredOp> findBySource(String collection, String docId, String src, long seq) {
    StoreArguments.checkDoc(collection, docId);
    Objects.requireNonNull(src, "src");
    String what = "find the op of " + src + "#" + seq + " in " + StoreArguments.name(collection, docId);
    String org = orgs.orgOf(docId);
    return db.retryable(what, c -> {
      try (PreparedStatement ps = c.prepareStatement(PostgresRows.OP_BY_SOURCE)) {
        bindDoc(ps, org, collection, docId);
        ps.setString(AFTER_DOC, src);
        ps.setLong(AFTER_DOC + 1, seq);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(PostgresRows.op(collection, docId, rs)) : Optional.empty();
        }
      }
    });
  }

  @Override
  public long versionAt(String collection, String docId, long timestamp) {
    StoreArguments.checkDoc(collection, docId);
    String what = "find the version of " + StoreArguments.name(collection, docId) + " at time " + timestamp;
    String org = orgs.orgOf(docId);
    return db.retryable(what, c -> {
      try (PreparedStatement ps = c.prepareStatement(PostgresRows.LAST_OP_AT_OR_BEFORE)) {
        bindDoc(ps, org, collection, docId);
        ps.setLong(AFTER_DOC, timestamp);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            return rs.getLong(1) + 1;
          }
        }
      }
      return PostgresRows.RETENTION.snapshotVersionAtOrBefore(c, timestamp, org, collection, docId);
    });
  }

  @Override
  public void writeSnapshot(StoredSnapshot snapshot) {
    Objects.requireNonNull(snapshot, "snapshot");
    String what = "write the snapshot of " + StoreArguments.name(snapshot.collection(), snapshot.docId())
        + " at version " + snapshot.version();
    String org = orgs.orgOf(snapshot.docId());
    db.retryable(what, c -> {
      try (PreparedStatement ps = c.prepareStatement(PostgresRows.INSERT_SNAPSHOT)) {
        PostgresRows.bindSnapshot(ps, org, snapshot);
        // Autocommit: one transaction, durable like a commit; idempotent, so safe to retry.
        return ps.executeUpdate();
      }
    });
  }

  @Override
  public Optional<StoredSnapshot> snapshotAtOrBefore(
      String collection, String docId, long atMost) {
    StoreArguments.checkDoc(collection, docId);
    if (atMost < 0) {
      throw new IllegalArgumentException("atMost must be >= 0, got " + atMost);
    }
    String what = "read the snapshot of " + StoreArguments.name(collection, docId) + " at or before " + atMost;
    String org = orgs.orgOf(docId);
    return db.retryable(what, c -> {
      try (PreparedStatement ps = c.prepareStatement(PostgresRows.SNAPSHOT_AT_OR_BEFORE)) {
        bindDoc(ps, org, collection, docId);
        ps.setLong(AFTER_DOC, atMost);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next()
              ? Optional.of(PostgresRows.snapshot(collection, docId, rs))
              : Optional.empty();
        }
      }
    });
  }

  @Override
  public List<DocumentKey> compactionCandidates(long olderThan, int interval) {
    return db.retryable("find documents to compact (ops at or before " + olderThan + ")",
        c -> RetentionSql.compactionCandidates(c, olderThan, interval));
  }

  @Override
  public long compact(String collection, String docId, long below, long keepEvery) {
    StoreArguments.checkCompaction(collection, docId, below, keepEvery);
    String org = orgs.orgOf(docId);
    String what = "compact " + StoreArguments.name(collection, docId) + " below version " + below;
    // Both deletes are idempotent and guarded on their own: retried, or run by several servers.
    return db.retryable(what, c -> PostgresRows.RETENTION.compact(c, below, keepEvery, org, collection, docId));
  }

  /** A {@code SELECT 1} on a connection of its own, answering within about two seconds. */
  @Override
  public boolean isHealthy() {
    return db.ping();
  }

  /** Waits for work in progress (up to a deadline), then closes the pools. Twice does nothing. */
  @Override
  public void close() {
    commits.close();
    db.close();
  }

  PostgresGroupCommit groupCommit() {
    return commits;
  }

  /** How many commit calls carried more than one document's batch (group commit; for tests). */
  long sharedCommitCalls() {
    return commits.sharedCalls();
  }

  /**
   * How many hash partitions the op log has: fixed when the schema was created, whatever
   * database-partitions says now.
   */
  public int installedPartitions() {
    return db.retryable("count the partitions of ops", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT count(*) FROM pg_inherits WHERE inhparent = 'ops'::regclass")) {
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getInt(1);
        }
      }
    });
  }

  /** Where this store connects; the password is never shown. */
  public PostgresUrl url() {
    return url;
  }

  /** A server setting as a pooled connection sees it; lets tests check the session settings. */
  String setting(String name) {
    return db.retryable("read the setting " + name, c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT current_setting(?)")) {
        ps.setString(1, name);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getString(1);
        }
      }
    });
  }

}
