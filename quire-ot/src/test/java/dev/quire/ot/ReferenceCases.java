package dev.quire.ot;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the npm reference's case generator ({@code src/test/node/gen-cases.js}) as a subprocess
 * and streams its lines, so a run of millions of cases never sits in memory. Its stderr is
 * drained on another thread (a full pipe would block it) and reported if it fails.
 */
final class ReferenceCases {
  /** Receives one line and its case number. */
  interface LineHandler {
    void accept(long caseNumber, String line) throws Exception;
  }

  private static final int STDERR_KEPT = 8192;

  private final Path node;
  private final Path fixture;

  ReferenceCases(Path node, Path fixture) {
    this.node = node;
    this.fixture = fixture;
  }

  /** The fixture directory: from the module's base dir (surefire's), or from the repo root. */
  static Path findFixture() {
    List<Path> candidates = new ArrayList<>();
    for (String base : new String[] {System.getProperty("basedir"), System.getProperty("user.dir")}) {
      if (base != null) {
        candidates.add(Path.of(base, "src", "test", "node"));
      }
    }
    String root = System.getProperty("quire.repo.root");
    if (root != null) {
      candidates.add(Path.of(root, "quire-ot", "src", "test", "node"));
    }
    for (Path c : candidates) {
      if (Files.isRegularFile(c.resolve("gen-cases.js"))) {
        return c.toAbsolutePath();
      }
    }
    throw new IllegalStateException("gen-cases.js not found; looked in " + candidates);
  }

  /** The {@code node} executable on the PATH, or null. */
  static Path findNode() {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      for (String name : new String[] {"node", "node.exe"}) {
        Path p = Path.of(dir, name);
        if (Files.isRegularFile(p) && Files.isExecutable(p)) {
          return p;
        }
      }
    }
    return null;
  }

  /** The generator command for cases {@code [from, to)} of a run. */
  static List<String> arguments(long seed, long valid, long malformed, long from, long to) {
    return List.of("gen-cases.js", "--seed", Long.toString(seed), "--count", Long.toString(valid),
        "--malformed", Long.toString(malformed), "--from", Long.toString(from), "--to", Long.toString(to));
  }

  /**
   * Runs the generator with {@code arguments}, hands every stdout line to {@code handler} (the
   * first line is case {@code firstCase}), and returns the number of lines. Fails if the
   * generator exits with an error.
   */
  long stream(List<String> arguments, long firstCase, LineHandler handler) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(node.toString());
    command.addAll(arguments);
    Process process = new ProcessBuilder(command).directory(fixture.toFile()).start();
    // A thread of its own: a pooled one could wait behind another slice's reader while this
    // process blocks on a full stderr pipe.
    CompletableFuture<String> stderr = CompletableFuture.supplyAsync(
        () -> tail(process.getErrorStream()), task -> {
          Thread t = new Thread(task, "gen-cases stderr");
          t.setDaemon(true);
          t.start();
        });
    long lines = 0;
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8), 1 << 16)) {
      String line;
      while ((line = out.readLine()) != null) {
        handler.accept(firstCase + lines, line);
        lines++;
      }
    } catch (Exception | Error e) {
      process.destroyForcibly(); // it may be blocked writing to a pipe nobody reads any more
      throw e;
    }
    // Its stdout is closed, so it is exiting; the deadline only guards against a hung process.
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("`node " + String.join(" ", arguments) + "` closed its output but did not exit");
    }
    int exit = process.exitValue();
    if (exit != 0) {
      throw new AssertionError("`node " + String.join(" ", arguments) + "` in " + fixture + " exited with "
          + exit + " (did `npm ci` run there?); its stderr:\n" + stderr.get(10, TimeUnit.SECONDS));
    }
    return lines;
  }

  /** Reads a stream to its end, keeping only its last few kilobytes. */
  private static String tail(InputStream in) {
    StringBuilder kept = new StringBuilder();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      char[] buf = new char[4096];
      int n;
      while ((n = r.read(buf)) > 0) {
        kept.append(buf, 0, n);
        if (kept.length() > STDERR_KEPT) {
          kept.delete(0, kept.length() - STDERR_KEPT);
        }
      }
    } catch (IOException e) {
      kept.append("\n(reading stderr failed: ").append(e).append(')');
    }
    return kept.toString();
  }
}
