package dev.quire.server;

import dev.quire.ot.Delta;
import dev.quire.ot.OtException;
import dev.quire.ot.OtLimits;
import dev.quire.ot.doc.RichDocument;
import dev.quire.ot.json.DeltaJson;
import dev.quire.server.collab.Snapshots;
import java.util.Random;

/**
 * Runs the document-opening code on a synthetic document before the server takes connections.
 *
 * <p>Why: opening a large document right after a restart otherwise runs in the JVM's interpreter
 * (a 100 KB snapshot took 85–280 ms to open in a fresh JVM, 10 ms in a warm one: see
 * docs/BENCHMARKS.md). A few hundred milliseconds spent here, once, move that cost off the first
 * person to open a document.
 */
final class Warmup {
  private Warmup() {}

  /** Returns the time it took, in milliseconds. */
  static long run() {
    long t0 = System.nanoTime();
    Random rnd = new Random(42);
    StringBuilder text = new StringBuilder(64 * 1024);
    while (text.length() < 64 * 1024) {
      // Text with the escapes real documents have: quotes, backslashes, newlines, non-ASCII.
      text.append("Lorem \"ipsum\" dolor\\sit amet,\n consectetur é ").append(rnd.nextInt(1000)).append(' ');
    }
    Delta doc = new Delta().insert(text.toString()).insert("bold\n", attrs());
    String json = DeltaJson.write(doc);
    try {
      for (int round = 0; round < 25; round++) {
        RichDocument d = RichDocument.of(DeltaJson.parse(json, OtLimits.NONE), OtLimits.NONE);
        for (int i = 0; i < 2_000; i++) {
          long at = rnd.nextInt((int) d.length());
          d.apply(DeltaJson.parse("[{\"retain\":" + at + "},{\"insert\":\"x\"}]", OtLimits.NONE), OtLimits.NONE);
        }
        Snapshots.json(d.length(), dev.quire.ot.RichText.URI, d.toDelta());
      }
    } catch (OtException e) {
      throw new IllegalStateException("the warm-up document must be valid", e);
    }
    return (System.nanoTime() - t0) / 1_000_000;
  }

  private static dev.quire.ot.AttributeMap attrs() {
    return dev.quire.ot.AttributeMap.builder()
        .put("bold", com.fasterxml.jackson.databind.node.BooleanNode.TRUE).build();
  }
}
