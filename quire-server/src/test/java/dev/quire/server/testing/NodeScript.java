package dev.quire.server.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs a script of the Node test fixture ({@code src/test/node}, whose packages the Maven build
 * installs with {@code npm ci}) as {@code node <script> args…}, with a deadline.
 *
 * <p>Both output streams are drained by their own threads while the script runs (a child that
 * fills an unread pipe blocks forever) and echoed to the test's output with a prefix, so a slow or
 * failing run can be followed as it happens.
 *
 * <p>Without Node: under CI ({@code CI=true}) that is a failure, so a broken CI image cannot turn
 * the conformance suite green by skipping it; elsewhere the test is skipped with a reason.
 */
public final class NodeScript {
  private NodeScript() {}

  /** What a finished script did. */
  public record Result(int exitCode, String stdout, String stderr) {
    /** The lines of stdout that are JSON objects: the script's results. */
    public List<String> jsonLines() {
      List<String> out = new ArrayList<>();
      for (String line : stdout.split("\n")) {
        if (line.startsWith("{")) {
          out.add(line);
        }
      }
      return out;
    }

    /** Everything the script printed, for failure messages. */
    public String transcript() {
      return "exit " + exitCode + "\n--- stdout ---\n" + stdout + "--- stderr ---\n" + stderr;
    }
  }

  /** The fixture folder: {@code quire-server/src/test/node}. */
  public static Path fixture() {
    Path local = Path.of("src", "test", "node").toAbsolutePath();
    if (Files.isDirectory(local)) {
      return local;
    }
    String root = System.getProperty("quire.repo.root");
    return Path.of(root == null ? "." : root, "quire-server", "src", "test", "node").toAbsolutePath();
  }

  /** Skips the calling test (or fails it under CI) unless node and the installed fixture are there. */
  public static void requireNode() {
    String missing = null;
    if (!nodeRuns()) {
      missing = "node is not installed (or not on the PATH)";
    } else if (!Files.isDirectory(fixture().resolve("node_modules").resolve("sharedb"))) {
      missing = "the Node fixture is not installed: run `npm ci` in " + fixture()
          + " (the Maven build does it in generate-test-resources)";
    }
    if (missing == null) {
      return;
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail("CI=true but " + missing + "; tests that need Node must run in CI");
    }
    Assumptions.abort("skipped: " + missing);
  }

  private static boolean nodeRuns() {
    try {
      Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Runs {@code node script args…} in the fixture folder and waits for it, at most {@code
   * deadline}; past it the script (and anything it started) is killed and the test fails with its
   * output so far.
   */
  public static Result run(Duration deadline, String script, String... args) {
    requireNode();
    List<String> command = new ArrayList<>();
    command.add("node");
    command.add(script);
    command.addAll(List.of(args));
    Process p;
    try {
      p = new ProcessBuilder(command).directory(fixture().toFile()).start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + command, e);
    }
    try {
      p.getOutputStream().close(); // the scripts read no input
    } catch (IOException e) {
      // nothing to close
    }
    Drain out = new Drain(p.getInputStream(), System.out, "[node] ");
    Drain err = new Drain(p.getErrorStream(), System.err, "[node:err] ");
    out.start();
    err.start();
    try {
      if (!p.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
        out.join(5000);
        err.join(5000);
        fail("node " + script + " did not finish within " + deadline + "; killed.\n"
            + new Result(-1, out.text(), err.text()).transcript());
      }
      // The pipes close when the script exits; bounded anyway, in case something inherited them.
      out.join(10_000);
      err.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IllegalStateException("interrupted while waiting for node " + script, e);
    }
    return new Result(p.exitValue(), out.text(), err.text());
  }

  /** Copies one output stream of the child to a buffer and, line by line, to the test's output. */
  private static final class Drain extends Thread {
    private final InputStream in;
    private final PrintStream echo;
    private final String prefix;
    private final ByteArrayOutputStream all = new ByteArrayOutputStream();

    Drain(InputStream in, PrintStream echo, String prefix) {
      super("node-output");
      setDaemon(true);
      this.in = in;
      this.echo = echo;
      this.prefix = prefix;
    }

    @Override
    public void run() {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      try {
        int n;
        while ((n = in.read(buf)) >= 0) {
          for (int i = 0; i < n; i++) {
            line.write(buf[i]);
            if (buf[i] == '\n') {
              flushLine(line);
            }
          }
        }
      } catch (IOException e) {
        // The child was killed: keep what arrived.
      }
      if (line.size() > 0) {
        line.write('\n');
        flushLine(line);
      }
    }

    private void flushLine(ByteArrayOutputStream line) {
      synchronized (all) {
        all.writeBytes(line.toByteArray());
      }
      echo.print(prefix + line.toString(StandardCharsets.UTF_8));
      line.reset();
    }

    String text() {
      synchronized (all) {
        return all.toString(StandardCharsets.UTF_8);
      }
    }
  }
}
