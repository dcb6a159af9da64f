package dev.quire.bench;

import dev.quire.ot.Delta;
import dev.quire.ot.OtException;
import dev.quire.ot.OtLimits;
import dev.quire.ot.doc.RichDocument;
import dev.quire.ot.json.DeltaJson;
import dev.quire.trace.EditingTrace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The automerge-paper trace (259,778 single-character ops on one document) replayed through the
 * server's document: once from ops already parsed, once from their JSON text (parse + validate +
 * apply, the path a wire op takes). One invocation replays the whole trace.
 *
 * <p>Run: {@code java -jar quire-bench/target/benchmarks.jar OtReplayBenchmark}
 * (the trace is found at {@code traces/automerge-paper.json.gz}, or set {@code -Dquire.trace=PATH}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class OtReplayBenchmark {
  private List<String> json;
  private List<Delta> parsed;
  private String expected;

  @Setup
  public void load() throws IOException, OtException {
    Path trace = Path.of(System.getProperty("quire.trace", "traces/automerge-paper.json.gz"));
    if (!Files.exists(trace)) {
      throw new IOException("no trace at " + trace.toAbsolutePath() + "; run from the repository root or set -Dquire.trace");
    }
    EditingTrace t = EditingTrace.read(trace);
    json = t.toJsonOps();
    parsed = new ArrayList<>(json.size());
    for (String op : json) {
      parsed.add(DeltaJson.parse(op, OtLimits.DEFAULT));
    }
    expected = t.endContent();
    // Check once that the benchmark computes the right thing.
    if (!parseValidateApply().text().equals(expected) || !applyParsed().text().equals(expected)) {
      throw new IllegalStateException("the replay does not reproduce the trace's endContent");
    }
  }

  /** Apply only: the ops were parsed beforehand. */
  @Benchmark
  public RichDocument applyParsed() throws OtException {
    RichDocument doc = new RichDocument();
    for (Delta op : parsed) {
      doc.apply(op, OtLimits.DEFAULT);
    }
    return doc;
  }

  /** The whole path of a wire op: JSON text → strict parse → validate against the doc → apply. */
  @Benchmark
  public RichDocument parseValidateApply() throws OtException {
    RichDocument doc = new RichDocument();
    for (String op : json) {
      doc.apply(DeltaJson.parse(op, OtLimits.DEFAULT), OtLimits.DEFAULT);
    }
    return doc;
  }
}
