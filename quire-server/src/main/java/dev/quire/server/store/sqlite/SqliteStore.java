package dev.quire.server.store.sqlite;

import static dev.quire.server.store.sqlite.SqliteRows.bindDoc;

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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.flywaydb.core.api.FlywayException;
import org.sqlite.SQLiteDataSource;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The embedded default store: one SQLite file, {@value #FILE_NAME}, in the data folder.
 *
 * <p>Durability: WAL journal with {@code synchronous=FULL}, so a {@link CommitResult#COMMITTED}
 * commit has been synced to disk. Concurrency: one write connection behind a lock and a few
 * read-only connections (see {@link SqliteConnections} for why); reads never wait for a commit.
 *
 * <p>The commit fence is the head check inside a {@code BEGIN IMMEDIATE} transaction, which takes
 * SQLite's write lock before reading the head, so no other writer (another process on the same
 * file included) can commit between the check and the inserts. The primary key on {@code
 * (collection, doc_id, version)} and the unique index on {@code (collection, doc_id, src, seq)}
 * back it up: a violation of either is a {@link CommitResult#CONFLICT}, never an exception.
 *
 * <p>The schema is migrated by Flyway when the store opens.
 */
public final class SqliteStore implements DocumentStore {
  public static final String FILE_NAME = "quire.db";
  private static final Duration HEALTH_WAIT = Duration.ofSeconds(2);

  private final Path file;
  private final SqliteConnections db;
  private final DocumentCatalog catalog;
  private final AccountStore accounts;
  private final CommentStore comments;

  private SqliteStore(Path file, SqliteConnections db) {
    this.file = file;
    this.db = db;
    // Catalog writes take the store's one writer: they queue with commits.
    this.catalog = new JdbcCatalog((what, work) -> db.read(what, work::run), (what, work) -> db.write(what, work::run));
    this.accounts = new JdbcAccounts((what, work) -> db.read(what, work::run), (what, work) -> db.write(what, work::run));
    this.comments = new JdbcComments((what, work) -> db.read(what, work::run), (what, work) -> db.write(what, work::run));
  }

  /**
   * Opens the store in {@code dataDir}, creating the folder and the database if they are missing,
   * and brings the schema up to date.
   *
   * @throws StoreException if the folder cannot be created, the file is not a usable database
   *     (not SQLite, on a file system without WAL support) or a migration fails
   */
  public static SqliteStore open(Path dataDir) {
    Objects.requireNonNull(dataDir, "dataDir");
    Path file = dataDir.toAbsolutePath().resolve(FILE_NAME);
    try {
      Files.createDirectories(file.getParent());
    } catch (IOException e) {
      throw new StoreException("could not create the data folder " + file.getParent(), e);
    }
    String url = "jdbc:sqlite:" + file;
    try {
      SQLiteDataSource migrator = new SQLiteDataSource(SqliteConnections.writerConfig());
      migrator.setUrl(url);
      SqliteMigrations.migrate(migrator);
      return new SqliteStore(file, SqliteConnections.open(url));
    } catch (SQLException | FlywayException e) {
      throw new StoreException("could not open the store in " + file, e);
    }
  }

  /** The document catalog, in the same file and on the same connections. */
  public DocumentCatalog catalog() {
    return catalog;
  }

  /** People, sessions, tokens and document roles, in the same file and on the same connections. */
  public AccountStore accounts() {
    return accounts;
  }

  /** Comment threads, in the same database and on the same connections. */
  public CommentStore comments() {
    return comments;
  }

  /** The database file. */
  public Path file() {
    return file;
  }

  @Override
  public CommitResult commit(String collection, String docId, List<StoredOp> ops) {
    StoreArguments.checkBatch(collection, docId, ops);
    long first = ops.get(0).version();
    String what =
        "commit " + ops.size() + " op(s) to " + StoreArguments.name(collection, docId) + " at version " + first;
    return db.write(what, c -> {
      execute(c, "BEGIN IMMEDIATE");
      try {
        CommitResult result = insertAtHead(c, collection, docId, ops);
        // COMMIT returns after the WAL is synced (synchronous=FULL): durable from here on.
        execute(c, result == CommitResult.COMMITTED ? "COMMIT" : "ROLLBACK");
        return result;
      } catch (SQLException | RuntimeException e) {
        rollbackAfter(c, e);
        throw e;
      }
    });
  }

  private static CommitResult insertAtHead(
      Connection c, String collection, String docId, List<StoredOp> ops) throws SQLException {
    if (head(c, collection, docId) != ops.get(0).version()) {
      return CommitResult.CONFLICT;
    }
    try (PreparedStatement ps = c.prepareStatement(SqliteRows.INSERT_OP)) {
      for (StoredOp op : ops) {
        SqliteRows.bindOp(ps, op);
        ps.executeUpdate();
      }
    } catch (SQLiteException e) {
      if (isFenceViolation(e)) {
        return CommitResult.CONFLICT; // an op's (src, seq) is stored already
      }
      throw e;
    }
    return CommitResult.COMMITTED;
  }

  @Override
  public long headVersion(String collection, String docId) {
    StoreArguments.checkDoc(collection, docId);
    return db.read("read the head version of " + StoreArguments.name(collection, docId),
        c -> head(c, collection, docId));
  }

  @Override
  public List<StoredOp> ops(String collection, String docId, long from, long to) {
    StoreArguments.checkRange(collection, docId, from, to);
    String what = "read ops " + from + ".." + to + " of " + StoreArguments.name(collection, docId);
    return db.read(what, c -> {
      List<StoredOp> ops = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(SqliteRows.OPS_IN_RANGE)) {
        bindDoc(ps, collection, docId);
        ps.setLong(3, from);
        ps.setLong(4, to);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            ops.add(SqliteRows.op(collection, docId, rs));
          }
        }
      }
      OpsCompactedException.checkRange(collection, docId, from, to, ops, () -> SqliteRows.RETENTION.oldestKept(c, collection, docId));
      return ops;
    });
  }

  @Override
  public Optional<StoredOp> findBySource(String collection, String docId, String src, long seq) {
    StoreArguments.checkDoc(collection, docId);
    Objects.requireNonNull(src, "src");
    String what = "find the op of " + src + "#" + seq + " in " + StoreArguments.name(collection, docId);
    return db.read(what, c -> {
      try (PreparedStatement ps = c.prepareStatement(SqliteRows.OP_BY_SOURCE)) {
        bindDoc(ps, collection, docId);
        ps.setString(3, src);
        ps.setLong(4, seq);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(SqliteRows.op(collection, docId, rs)) : Optional.empty();
        }
      }
    });
  }

  @Override
  public long versionAt(String collection, String docId, long timestamp) {
    StoreArguments.checkDoc(collection, docId);
    String what = "find the version of " + StoreArguments.name(collection, docId) + " at time " + timestamp;
    return db.read(what, c -> {
      try (PreparedStatement ps = c.prepareStatement(SqliteRows.LAST_OP_AT_OR_BEFORE)) {
        bindDoc(ps, collection, docId);
        ps.setLong(3, timestamp);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            return rs.getLong(1) + 1;
          }
        }
      }
      return SqliteRows.RETENTION.snapshotVersionAtOrBefore(c, timestamp, collection, docId);
    });
  }

  @Override
  public void writeSnapshot(StoredSnapshot snapshot) {
    Objects.requireNonNull(snapshot, "snapshot");
    String what = "write the snapshot of " + StoreArguments.name(snapshot.collection(), snapshot.docId())
        + " at version " + snapshot.version();
    db.write(what, c -> {
      try (PreparedStatement ps = c.prepareStatement(SqliteRows.INSERT_SNAPSHOT)) {
        SqliteRows.bindSnapshot(ps, snapshot);
        return ps.executeUpdate(); // autocommit: one transaction, synced like a commit
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
    return db.read(what, c -> {
      try (PreparedStatement ps = c.prepareStatement(SqliteRows.SNAPSHOT_AT_OR_BEFORE)) {
        bindDoc(ps, collection, docId);
        ps.setLong(3, atMost);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next()
              ? Optional.of(SqliteRows.snapshot(collection, docId, rs))
              : Optional.empty();
        }
      }
    });
  }

  @Override
  public List<DocumentKey> compactionCandidates(long olderThan, int interval) {
    return db.read("find documents to compact (ops at or before " + olderThan + ")",
        c -> RetentionSql.compactionCandidates(c, olderThan, interval));
  }

  @Override
  public long compact(String collection, String docId, long below, long keepEvery) {
    StoreArguments.checkCompaction(collection, docId, below, keepEvery);
    String what = "compact " + StoreArguments.name(collection, docId) + " below version " + below;
    return db.write(what, c -> SqliteRows.RETENTION.compact(c, below, keepEvery, collection, docId));
  }

  @Override
  public boolean isHealthy() {
    if (db.isClosed()) {
      return false;
    }
    try {
      return db.read("check health", HEALTH_WAIT, c -> {
        try (Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT 1")) {
          return rs.next();
        }
      });
    } catch (StoreException e) {
      return false;
    }
  }

  /** Waits for work in progress, then closes the database. Closing twice does nothing. */
  @Override
  public void close() {
    db.close();
  }

  /** A pragma's value on the write connection; lets tests check the durability settings. */
  String pragma(String name) {
    return db.writerPragma(name);
  }

  private static long head(Connection c, String collection, String docId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(SqliteRows.HEAD)) {
      bindDoc(ps, collection, docId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) + 1 : 0L;
      }
    }
  }

  private static boolean isFenceViolation(SQLiteException e) {
    SQLiteErrorCode code = e.getResultCode();
    return code == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY
        || code == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE;
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /**
   * Ends the transaction after a failure so the write connection is clean for the next commit.
   * SQLite may already have rolled back by itself (after an I/O error, for instance), so a failing
   * ROLLBACK is only noted on the original error.
   */
  private static void rollbackAfter(Connection c, Exception failure) {
    try {
      execute(c, "ROLLBACK");
    } catch (SQLException e) {
      failure.addSuppressed(e);
    }
  }

}
