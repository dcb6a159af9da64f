package dev.quire.bench;

import dev.quire.ot.Delta;
import dev.quire.ot.OtException;
import dev.quire.ot.OtLimits;
import dev.quire.ot.doc.FrozenDocument;
import dev.quire.ot.doc.RichDocument;
import dev.quire.ot.json.DeltaJson;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a snapshot of a long document costs the document's actor (the thread every op of that
 * document waits for), on a document typed the way the capacity soak types it: single letters at
 * random places, one op in five a delete, to {@code length} characters (the soak's document
 * reaches 1.3 million). {@code walk} and {@code walkAndJson} are what the actor paid per snapshot
 * before the tree was copy-on-write (the walk alone, then the JSON too); {@code freezeThenType}
 * is what it pays now: a freeze, then a keystroke, which copies the path it touches, and its
 * backspace (so the length stays put); {@code type} is the keystroke and backspace alone.
 *
 * <p>Run: {@code java -jar quire-bench/target/benchmarks.jar SnapshotBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class SnapshotBenchmark {
  @Param({"100000", "1300000"})
  public int length;

  private RichDocument doc;
  private SplittableRandom random;

  @Setup
  public void typeTheDocument() throws OtException {
    random = new SplittableRandom(1);
    doc = new RichDocument();
    doc.apply(new Delta().insert("\n"), OtLimits.NONE);
    while (doc.length() < length) {
      long len = doc.length();
      if (len > 200 && random.nextInt(5) == 0) {
        long at = random.nextLong(len - 1); // never the final newline
        doc.apply(at > 0 ? new Delta().retain(at).delete(1) : new Delta().delete(1), OtLimits.NONE);
      } else {
        long at = random.nextLong(len);
        String s = String.valueOf((char) ('a' + random.nextInt(26)));
        doc.apply(at > 0 ? new Delta().retain(at).insert(s) : new Delta().insert(s), OtLimits.NONE);
      }
    }
  }

  /** A letter typed at a random place and taken back, so the length stays what was asked. */
  private void keystrokeAndBackspace() throws OtException {
    long at = random.nextLong(doc.length());
    doc.apply(at > 0 ? new Delta().retain(at).insert("x") : new Delta().insert("x"), OtLimits.NONE);
    doc.apply(at > 0 ? new Delta().retain(at).delete(1) : new Delta().delete(1), OtLimits.NONE);
  }

  @Benchmark
  public Delta walk() {
    return doc.toDelta();
  }

  @Benchmark
  public String walkAndJson() {
    return DeltaJson.write(doc.toDelta());
  }

  @Benchmark
  public FrozenDocument freezeThenType() throws OtException {
    FrozenDocument frozen = doc.freeze();
    keystrokeAndBackspace();
    return frozen;
  }

  @Benchmark
  public RichDocument type() throws OtException {
    keystrokeAndBackspace();
    return doc;
  }
}
