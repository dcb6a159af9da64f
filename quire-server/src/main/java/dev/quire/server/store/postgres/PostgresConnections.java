package dev.quire.server.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.quire.server.store.StoreException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import javax.sql.DataSource;

/**
 * The store's connections: a HikariCP pool for the work, and a one-connection pool of its own for
 * health checks.
 *
 * <p>Why a second pool: readiness must answer within {@link #HEALTH_WAIT} even when PostgreSQL
 * hangs rather than refuses (a stopped process, a lost network), and a pool's wait for a
 * connection is one setting for all its callers; commits under load should wait longer than that.
 * The health connection also has short socket timeouts, so a dead server cannot pin it.
 *
 * <p>Every connection runs in autocommit at READ COMMITTED (the fence is the primary key, not the
 * isolation level, so a server-wide SERIALIZABLE default must not turn conflicts into
 * serialization failures), and with {@code synchronous_commit} at least {@code on}: if the
 * database or role turned it off, acknowledged ops could be lost in a crash, so it is turned back
 * on for Quire's sessions (a stricter setting such as {@code remote_apply} is kept).
 *
 * <p>Hazards: work runs inside {@link #retryable} or {@link #once}, which return the connection
 * whatever happens and turn a {@link SQLException} into a {@link StoreException} that names the
 * work. {@link #close}
 * waits (up to a deadline) for work in progress, since closing a Hikari pool aborts connections
 * in use.
 */
final class PostgresConnections implements AutoCloseable {
  /** Work on a connection; a {@link SQLException} becomes a {@link StoreException}. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  static final int POOL_SIZE = 10;
  static final Duration CONNECTION_WAIT = Duration.ofSeconds(10);
  /** No answer from the server for this long and the connection is given up (0 would wait forever). */
  static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(30);
  static final Duration HEALTH_WAIT = Duration.ofSeconds(2);
  static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

  private static final String KEEP_COMMITS_DURABLE =
      "SELECT set_config('synchronous_commit', 'on', false)"
          + " WHERE current_setting('synchronous_commit') = 'off'";

  private final PostgresUrl url;
  private final HikariDataSource pool;
  private final HikariDataSource health;
  // Work holds the read side; close() takes the write side to wait for work in progress.
  private final ReentrantReadWriteLock inFlight = new ReentrantReadWriteLock();
  private final AtomicBoolean closed = new AtomicBoolean();

  private PostgresConnections(PostgresUrl url, HikariDataSource pool, HikariDataSource health) {
    this.url = url;
    this.pool = pool;
    this.health = health;
  }

  /**
   * Starts the pool, which connects once right away so a wrong URL, user or password fails here.
   *
   * @throws com.zaxxer.hikari.pool.HikariPool.PoolInitializationException if it cannot connect
   */
  static PostgresConnections open(PostgresUrl url) {
    HikariConfig work = config(url, "quire-postgres", POOL_SIZE, CONNECTION_WAIT, SOCKET_TIMEOUT);
    return withHealthPool(url, "quire-postgres", new HikariDataSource(work));
  }

  /** A read replica's pool: small, quick to give up, so that reads fall back to the primary at once. */
  static final int REPLICA_POOL_SIZE = 4;
  static final Duration REPLICA_WAIT = Duration.ofSeconds(2);
  static final Duration REPLICA_SOCKET_TIMEOUT = Duration.ofSeconds(10);

  /**
   * The pools of a read replica ({@code name} tells them apart in logs). Unlike {@link #open}, it
   * does not connect at once: a replica that is down when the server starts is skipped, not fatal.
   */
  static PostgresConnections openReplica(PostgresUrl url, String name) {
    HikariConfig work = config(url, name, REPLICA_POOL_SIZE, REPLICA_WAIT, REPLICA_SOCKET_TIMEOUT);
    work.setMinimumIdle(0);
    work.setInitializationFailTimeout(-1);
    work.addDataSourceProperty("connectTimeout", String.valueOf(REPLICA_WAIT.toSeconds()));
    return withHealthPool(url, name, new HikariDataSource(work));
  }

  /** Adds the one-connection health pool (which connects only when used) to a work pool. */
  private static PostgresConnections withHealthPool(PostgresUrl url, String name, HikariDataSource pool) {
    HikariConfig check = config(url, name + "-health", 1, HEALTH_WAIT, HEALTH_WAIT);
    check.setMinimumIdle(0);
    check.setInitializationFailTimeout(-1); // the work pool has proved the URL, or may not connect yet
    check.setValidationTimeout(HEALTH_WAIT.toMillis() / 2);
    try {
      return new PostgresConnections(url, pool, new HikariDataSource(check));
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  private static HikariConfig config(
      PostgresUrl url, String name, int size, Duration wait, Duration socketTimeout) {
    HikariConfig c = new HikariConfig();
    c.setPoolName(name);
    c.setJdbcUrl(url.jdbcUrl());
    c.setUsername(url.user());
    c.setPassword(url.password());
    c.setMaximumPoolSize(size);
    c.setConnectionTimeout(wait.toMillis());
    c.setAutoCommit(true);
    c.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
    c.setConnectionInitSql(KEEP_COMMITS_DURABLE);
    // Driver defaults; parameters in the URL take precedence over these.
    long seconds = socketTimeout.toSeconds();
    c.addDataSourceProperty("socketTimeout", String.valueOf(seconds));
    c.addDataSourceProperty("connectTimeout", String.valueOf(Math.min(seconds, 10)));
    c.addDataSourceProperty("tcpKeepAlive", "true");
    c.addDataSourceProperty("ApplicationName", "quire");
    return c;
  }

  /** For Flyway, which manages its own connections and transactions. */
  DataSource dataSource() {
    return pool;
  }

  /**
   * Runs work that may safely run twice (a read, an idempotent write) on a pooled connection;
   * {@code what} names it in errors. If its connection was lost, it runs once more on a fresh one.
   */
  <T> T retryable(String what, Work<T> work) {
    return run(what, true, work);
  }

  /**
   * Runs work that must not run twice (a commit) on a pooled connection; {@code what} names it in
   * errors. Never retried here: when the connection is lost mid-commit, whether it landed is
   * unknown, and only the caller can find out (by re-reading).
   */
  <T> T once(String what, Work<T> work) {
    return run(what, false, work);
  }

  private <T> T run(String what, boolean retryOnLostConnection, Work<T> work) {
    Lock shared = inFlight.readLock();
    shared.lock();
    try {
      if (closed.get()) {
        throw new StoreException("the store is closed; could not " + what, null);
      }
      try {
        return attempt(work);
      } catch (SQLException e) {
        if (!connectionLost(e) || !retryOnLostConnection) {
          throw failure(what, e);
        }
        try {
          return attempt(work);
        } catch (SQLException again) {
          again.addSuppressed(e);
          throw failure(what, again);
        }
      }
    } finally {
      shared.unlock();
    }
  }

  private <T> T attempt(Work<T> work) throws SQLException {
    try (Connection c = pool.getConnection()) {
      try {
        return work.run(c);
      } catch (SQLException e) {
        if (connectionLost(e)) {
          // One dead connection usually means all are (PostgreSQL restarted, a network cut):
          // drop the idle ones now, so the next callers do not each find a dead one first.
          pool.getHikariPoolMXBean().softEvictConnections();
        }
        throw e;
      }
    }
  }

  /**
   * The connection, not the statement, failed: SQLSTATE class 08 (connection exception) or the
   * server ending the session (57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect
   * now). A pool timeout is not one: there was no connection to lose, and waiting again would
   * only double the wait.
   */
  private static boolean connectionLost(SQLException e) {
    String state = e.getSQLState();
    return state != null && !(e instanceof SQLTransientConnectionException)
        && (state.startsWith("08") || state.startsWith("57P0"));
  }

  private StoreException failure(String what, SQLException e) {
    return new StoreException(
        "could not " + what + " (PostgreSQL at " + url + "): " + e.getMessage(), e);
  }

  /** A {@code SELECT 1} on the health connection; false, never an exception, within about 2 s. */
  boolean ping() {
    if (closed.get()) {
      return false;
    }
    try (Connection c = health.getConnection();
        Statement s = c.createStatement()) {
      s.setQueryTimeout((int) HEALTH_WAIT.toSeconds());
      try (ResultSet rs = s.executeQuery("SELECT 1")) {
        return rs.next();
      }
    } catch (SQLException | RuntimeException e) {
      return false; // closed concurrently, unreachable, timed out: all "not healthy"
    }
  }

  /** Waits up to {@link #CLOSE_WAIT} for work in progress, then closes both pools. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    Lock exclusive = inFlight.writeLock();
    boolean locked = false;
    try {
      locked = exclusive.tryLock(CLOSE_WAIT.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      health.close();
      pool.close();
    } finally {
      if (locked) {
        exclusive.unlock();
      }
    }
  }
}
