package dev.quire.cli;

import dev.quire.ot.OtException;
import dev.quire.ot.OtLimits;
import dev.quire.ot.eval.Oracle;
import dev.quire.trace.EditingTrace;
import dev.quire.trace.Replay;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code quire ot ...}: the OT core from the command line, for tests, checkers and benchmarks. */
@Command(
    name = "ot",
    mixinStandardHelpOptions = true,
    description = "Work with the rich-text OT core directly.",
    subcommands = {OtCommand.ReplayCommand.class, OtCommand.EvalCommand.class})
final class OtCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(
      name = "replay",
      mixinStandardHelpOptions = true,
      description = {
        "Replays an editing trace (josephg/editing-traces format) through the server's apply path:",
        "each patch becomes a rich-text op, parsed from JSON text, validated and applied.",
        "Exits 1 when the trace's endContent is not reproduced."
      })
  static final class ReplayCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "TRACE", description = "the trace file (.json or .json.gz)")
    Path trace;

    @Option(names = "--quill", description = "start from Quill's empty document \"\\n\" instead of \"\"")
    boolean quill;

    @Option(names = "--repeat", defaultValue = "1", paramLabel = "N",
        description = "replay N times and report each (the first runs include JIT warm-up); default ${DEFAULT-VALUE}")
    int repeat;

    @Override
    public Integer call() throws IOException {
      PrintStream out = System.out;
      EditingTrace t = EditingTrace.read(trace);
      List<String> ops = t.toJsonOps();
      Replay.Result last = null;
      for (int i = 0; i < Math.max(1, repeat); i++) {
        try {
          last = Replay.run(t, ops, quill, OtLimits.DEFAULT);
        } catch (OtException e) {
          System.err.println("replay failed: " + e.code() + ": " + e.getMessage());
          return 1;
        }
        if (repeat > 1) {
          out.printf(Locale.ROOT, "run %d: %.1f ms%n", i + 1, last.nanos() / 1e6);
        }
      }
      out.printf(Locale.ROOT, "trace:        %s (%d ops)%n", trace.getFileName(), last.ops());
      out.printf(Locale.ROOT, "start:        %s%n", quill ? "Quill's empty document \"\\n\"" : "empty document");
      out.printf(Locale.ROOT, "final length: %d%n", last.text().length());
      out.printf(Locale.ROOT, "sha256:       %s%n", last.sha256());
      out.printf(Locale.ROOT, "time:         %.1f ms (parse + validate + apply)%n", last.nanos() / 1e6);
      out.printf(Locale.ROOT, "ops/s:        %.0f%n", last.opsPerSecond());
      if (!last.matches()) {
        out.println("result:       MISMATCH: the final text differs from the trace's endContent");
        return 1;
      }
      out.println("result:       matches endContent");
      return 0;
    }
  }

  @Command(
      name = "eval",
      mixinStandardHelpOptions = true,
      description = {
        "A JSON-lines oracle: one request per line on stdin, one answer per line on stdout.",
        "  {\"fn\":\"compose\",\"a\":OPS,\"b\":OPS}",
        "  {\"fn\":\"transform\",\"a\":OPS,\"b\":OPS,\"priority\":BOOL}",
        "  {\"fn\":\"transformPosition\",\"a\":OPS,\"index\":INT,\"priority\":BOOL}",
        "  {\"fn\":\"invert\",\"a\":OPS,\"base\":OPS}",
        "  {\"fn\":\"apply\",\"doc\":OPS,\"op\":OPS}",
        "  {\"fn\":\"transformPresence\",\"range\":{\"index\":INT,\"length\":INT}|null,\"op\":OPS,\"own\":BOOL}",
        "Answers are {\"ok\":...} or {\"error\":{\"code\":...,\"message\":...}}."
      })
  static final class EvalCommand implements Callable<Integer> {
    @Override
    public Integer call() throws IOException {
      Oracle oracle = new Oracle(OtLimits.DEFAULT);
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null) {
        out.write(oracle.answer(line));
        out.newLine();
        out.flush(); // one answer per request, as it comes: a checker may wait for each
      }
      return 0;
    }
  }
}
