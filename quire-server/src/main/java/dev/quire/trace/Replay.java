package dev.quire.trace;

import dev.quire.ot.Delta;
import dev.quire.ot.OtException;
import dev.quire.ot.OtLimits;
import dev.quire.ot.doc.RichDocument;
import dev.quire.ot.json.DeltaJson;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Replays an editing trace through the server's apply path: each op is parsed from JSON text
 * like a wire op, validated against the document and applied to a {@link RichDocument}.
 */
public final class Replay {
  /** Quill's empty document: one newline. */
  public static final String QUILL_EMPTY = "\n";

  /**
   * What a replay produced.
   *
   * @param ops how many ops were applied
   * @param text the final text
   * @param expected what the trace says the text must be
   * @param nanos the time spent parsing, validating and applying
   */
  public record Result(int ops, String text, String expected, long nanos) {
    public boolean matches() {
      return text.equals(expected);
    }

    public String sha256() {
      try {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JVM has SHA-256", e);
      }
    }

    public double opsPerSecond() {
      return ops / (nanos / 1e9);
    }
  }

  private Replay() {}

  /**
   * Applies {@code jsonOps} (from {@link EditingTrace#toJsonOps}) to a document holding the
   * trace's start text, plus Quill's trailing newline when {@code quill}.
   */
  public static Result run(EditingTrace trace, List<String> jsonOps, boolean quill, OtLimits limits)
      throws OtException {
    String start = trace.startContent() + (quill ? QUILL_EMPTY : "");
    RichDocument doc = RichDocument.of(new Delta().insert(start), limits);
    long t0 = System.nanoTime();
    for (String json : jsonOps) {
      doc.apply(DeltaJson.parse(json, limits), limits);
    }
    long nanos = System.nanoTime() - t0;
    return new Result(jsonOps.size(), doc.text(), trace.endContent() + (quill ? QUILL_EMPTY : ""), nanos);
  }
}
