package dev.quire.server.store.sqlite;

import dev.quire.server.store.StoreException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;

/**
 * The store's connections to its database file: one writer behind a lock, and a few readers.
 *
 * <p>Why this shape: SQLite runs one write transaction at a time per file, so more write
 * connections would only queue inside SQLite (busy-waiting on {@code SQLITE_BUSY}) instead of in a
 * fair Java lock with a deadline. In WAL mode readers block neither the writer nor each other, and
 * each statement sees every transaction committed before it started, so reads use a small fixed
 * pool and go on while a commit waits for its disk sync. A pool grows nothing and validates
 * nothing: these are local file handles, not network sockets that go stale.
 *
 * <p>Hazards: a connection is used by one thread at a time, so work runs inside {@link #read} or
 * {@link #write}, which return the connection whatever happens. Waits have deadlines and fail with
 * a {@link StoreException} that names the work. {@link #close} waits (up to a deadline) for work in
 * progress to finish before it closes the connections.
 */
final class SqliteConnections implements AutoCloseable {
  /** Work on a connection; a {@link SQLException} becomes a {@link StoreException}. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  static final int READERS = 4;
  static final int BUSY_TIMEOUT_MILLIS = 5_000;
  static final Duration WAIT = Duration.ofSeconds(30);

  private final Connection writer;
  // Fair, so a steady stream of commits cannot starve one of them.
  private final ReentrantLock writeLock = new ReentrantLock(true);
  private final List<Connection> readers;
  private final BlockingQueue<Connection> idleReaders;
  private final AtomicBoolean closed = new AtomicBoolean();

  private SqliteConnections(Connection writer, List<Connection> readers) {
    this.writer = writer;
    this.readers = List.copyOf(readers);
    this.idleReaders = new ArrayBlockingQueue<>(readers.size(), false, readers);
  }

  /**
   * The settings of the connection that writes (and of the one that migrates): WAL so readers run
   * during writes; synchronous=FULL so a commit is on disk when it returns, even after a power
   * loss (NORMAL, the usual WAL choice, may lose the last commits, which were acknowledged).
   */
  static SQLiteConfig writerConfig() {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.enforceForeignKeys(true);
    config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
    return config;
  }

  /** Readers open the file read-only, so no read path can write by mistake. */
  private static SQLiteConfig readerConfig() {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.enforceForeignKeys(true);
    config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
    return config;
  }

  /** Opens the writer, checks that it really is in WAL mode, then opens the readers. */
  static SqliteConnections open(String url) throws SQLException {
    List<Connection> opened = new ArrayList<>();
    try {
      Connection writer = writerConfig().createConnection(url);
      opened.add(writer);
      String mode = pragma(writer, "journal_mode");
      if (!"wal".equalsIgnoreCase(mode)) {
        // SQLite keeps its old mode, silently, where WAL cannot work (some network file systems).
        throw new SQLException(
            "the database is in journal mode '" + mode + "', not 'wal'; put the data folder on a"
                + " local file system");
      }
      List<Connection> readers = new ArrayList<>();
      for (int i = 0; i < READERS; i++) {
        Connection reader = readerConfig().createConnection(url);
        opened.add(reader);
        readers.add(reader);
      }
      return new SqliteConnections(writer, readers);
    } catch (SQLException | RuntimeException e) {
      for (Connection c : opened) {
        closeInto(c, e);
      }
      throw e;
    }
  }

  /** Runs {@code work} on a reader; {@code what} names it in errors. */
  <T> T read(String what, Work<T> work) {
    return read(what, WAIT, work);
  }

  <T> T read(String what, Duration wait, Work<T> work) {
    Connection c = borrowReader(what, wait);
    try {
      return work.run(c);
    } catch (SQLException e) {
      throw new StoreException("could not " + what, e);
    } finally {
      idleReaders.add(c);
    }
  }

  /** Runs {@code work} on the writer, alone; {@code what} names it in errors. */
  <T> T write(String what, Work<T> work) {
    lockWriter(what);
    try {
      checkOpen(what);
      return work.run(writer);
    } catch (SQLException e) {
      throw new StoreException("could not " + what, e);
    } finally {
      writeLock.unlock();
    }
  }

  boolean isClosed() {
    return closed.get();
  }

  /** A pragma's value as the writer sees it; for tests that check the settings took. */
  String writerPragma(String name) {
    return write("read pragma " + name, c -> pragma(c, name));
  }

  /**
   * Waits for the commit in progress and for borrowed readers (each up to {@link #WAIT}), then
   * closes everything, the writer last: the last connection to close checkpoints the WAL into
   * the database file. Closing twice does nothing.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    boolean locked = false;
    List<Connection> collected = new ArrayList<>();
    try {
      locked = writeLock.tryLock(WAIT.toNanos(), TimeUnit.NANOSECONDS);
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (collected.size() < readers.size()) {
        long left = deadline - System.nanoTime();
        Connection c = idleReaders.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
        if (c == null) {
          break; // still borrowed after the deadline: closed anyway, below
        }
        collected.add(c);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    StoreException failure = new StoreException("could not close the database cleanly", null);
    try {
      for (Connection reader : readers) {
        closeInto(reader, failure);
      }
      closeInto(writer, failure);
    } finally {
      // Back in the queue, closed: a thread still waiting for a reader wakes up, sees the store
      // is closed and says so, instead of waiting out its deadline. (Every connection is in the
      // queue or borrowed, never both, so the queue cannot overflow.)
      idleReaders.addAll(collected);
      if (locked) {
        writeLock.unlock();
      }
    }
    if (failure.getSuppressed().length > 0) {
      throw failure;
    }
  }

  private Connection borrowReader(String what, Duration wait) {
    checkOpen(what);
    Connection c;
    try {
      c = idleReaders.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while waiting for a connection to " + what, e);
    }
    if (c == null) {
      throw new StoreException(
          "no read connection came free within " + wait.toSeconds() + " s to " + what, null);
    }
    if (closed.get()) {
      idleReaders.add(c); // for close() to collect, or for the next waiter to see this too
      checkOpen(what);
    }
    return c;
  }

  private void lockWriter(String what) {
    try {
      if (!writeLock.tryLock(WAIT.toNanos(), TimeUnit.NANOSECONDS)) {
        throw new StoreException(
            "the write connection did not come free within " + WAIT.toSeconds() + " s to " + what,
            null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while waiting for the write connection to " + what, e);
    }
  }

  private void checkOpen(String what) {
    if (closed.get()) {
      throw new StoreException("the store is closed; could not " + what, null);
    }
  }

  private static String pragma(Connection c, String name) throws SQLException {
    if (!name.matches("[a-z_]+")) {
      throw new IllegalArgumentException("not a pragma name: " + name);
    }
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA " + name)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  private static void closeInto(Connection c, Exception failure) {
    try {
      c.close();
    } catch (SQLException e) {
      failure.addSuppressed(e);
    }
  }
}
