package dev.quire.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A PostgreSQL cluster of a test's own (initdb, trust auth, a free loopback port), which the test
 * may stop with {@code pg_ctl stop -m immediate} (a crash, as far as clients see) and start again.
 * Fault tests use this, never the machine's PostgreSQL. initdb refuses to run as root, so the
 * cluster lives in a temporary folder owned by {@code postgres} and every command runs through
 * {@code runuser -u postgres --} when we are root. Its folder is deleted on close.
 *
 * <p>{@link #replicaOf} makes a streaming replica of one ({@code pg_basebackup -R}: initdb's
 * defaults already allow replication connections from loopback, with {@code wal_level=replica}),
 * a cluster like any other here, which can also pause and resume its replay.
 */
public final class ThrowawayPostgres implements AutoCloseable {
  private static final long COMMAND_SECONDS = 60;

  private final Path dir;
  private final Path bin;
  private final int port;
  private final boolean root;

  private ThrowawayPostgres(Path dir, Path bin, int port, boolean root) {
    this.dir = dir;
    this.bin = bin;
    this.port = port;
    this.root = root;
  }

  /** Creates and starts one; skips the test if PostgreSQL's binaries are missing (fails under CI=true). */
  public static ThrowawayPostgres start() throws Exception {
    Path bin = requireBin();
    return make("quire-pg-", bin, "root".equals(System.getProperty("user.name")), pg ->
        pg.run(bin.resolve("initdb").toString(), "-D", pg.data().toString(), "-A", "trust", "-U", "postgres",
            "-E", "UTF8", "--no-sync"));
  }

  /**
   * Makes and starts a hot-standby streaming replica of {@code primary} (running) on a port of its
   * own, and returns once it accepts connections; close it before the primary.
   */
  public static ThrowawayPostgres replicaOf(ThrowawayPostgres primary) throws Exception {
    return make("quire-pg-replica-", primary.bin, primary.root, replica ->
        replica.run(primary.bin.resolve("pg_basebackup").toString(), "-h", "127.0.0.1", "-p",
            String.valueOf(primary.port), "-U", "postgres", "-D", replica.data().toString(), "-R", "-X", "stream",
            "-c", "fast", "--no-sync"));
  }

  /** How a new cluster's data folder is made (initdb, pg_basebackup). */
  @FunctionalInterface
  private interface Setup {
    void run(ThrowawayPostgres pg) throws Exception;
  }

  /** A folder owned by postgres, {@code setup} to fill it, then start; everything removed on failure. */
  private static ThrowawayPostgres make(String prefix, Path bin, boolean root, Setup setup) throws Exception {
    ThrowawayPostgres pg = new ThrowawayPostgres(Files.createTempDirectory(prefix), bin, freePort(), root);
    try {
      if (root) {
        pg.run("chown", "postgres:postgres", pg.dir.toString());
      }
      setup.run(pg);
      pg.startAgain();
    } catch (Exception | AssertionError e) {
      pg.close();
      throw e;
    }
    return pg;
  }

  /**
   * Pauses a replica's replay ({@code pg_wal_replay_pause()}). Recovery checks for a pause before
   * each record it replays, so nothing written on the primary after this returns is replayed.
   */
  public void pauseReplay() throws Exception {
    sql("SELECT pg_wal_replay_pause()");
  }

  /** Resumes a replica's replay ({@code pg_wal_replay_resume()}). */
  public void resumeReplay() throws Exception {
    sql("SELECT pg_wal_replay_resume()");
  }

  /** Runs one statement on the cluster's {@code postgres} database; the first column of its first row. */
  public String sql(String statement) throws java.sql.SQLException {
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(
            "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres&connectTimeout=5");
        java.sql.Statement st = c.createStatement();
        java.sql.ResultSet rs = st.executeQuery(statement)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  private static Path requireBin() throws IOException {
    Path bin = findBin();
    if (bin == null) {
      String why = "initdb/pg_ctl not found (/usr/lib/postgresql/*/bin; Debian package postgresql)";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        Assertions.fail(why + "; with CI=true the PostgreSQL fault tests must run");
      }
      Assumptions.abort(why);
    }
    return bin;
  }

  /** The URL {@code --database-url} takes: the cluster's own {@code postgres} database. */
  public String url() {
    return "postgresql://postgres@127.0.0.1:" + port + "/postgres";
  }

  /** Starts the (stopped) cluster and returns once it accepts connections. */
  public void startAgain() throws Exception {
    run(bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-l", dir.resolve("log").toString(), "-w",
        "-t", "30", "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off", "start");
  }

  /** {@code pg_ctl stop -m immediate}: every backend dies at once; recovery runs on the next start. */
  public void stopImmediately() throws Exception {
    run(bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-m", "immediate", "-w", "-t", "30", "stop");
  }

  @Override
  public void close() throws IOException {
    if (Files.exists(data().resolve("postmaster.pid"))) {
      try {
        stopImmediately();
      } catch (Exception | AssertionError e) {
        System.err.println("ThrowawayPostgres: could not stop the cluster in " + dir + ": " + e.getMessage());
      }
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> {
        try {
          Files.deleteIfExists(f);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }

  private Path data() {
    return dir.resolve("data");
  }

  private void run(String... command) throws Exception {
    List<String> full = new ArrayList<>();
    if (root && !command[0].equals("chown")) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(List.of(command));
    Process p = new ProcessBuilder(full).redirectErrorStream(true)
        .redirectOutput(dir.resolve("commands.out").toFile()).start();
    if (!p.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", full) + " did not finish within " + COMMAND_SECONDS + " s");
    }
    if (p.exitValue() != 0) {
      throw new AssertionError(String.join(" ", full) + " exited " + p.exitValue() + ":\n"
          + Files.readString(dir.resolve("commands.out"), StandardCharsets.UTF_8));
    }
  }

  private static Path findBin() throws IOException {
    Path base = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(base)) {
      return null;
    }
    try (Stream<Path> versions = Files.list(base)) {
      return versions.map(v -> v.resolve("bin"))
          .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
          .max(Comparator.comparing(b -> versionOf(b.getParent())))
          .orElse(null);
    }
  }

  private static int versionOf(Path dir) {
    try {
      return Integer.parseInt(dir.getFileName().toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
