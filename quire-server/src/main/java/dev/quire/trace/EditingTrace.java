package dev.quire.trace;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.quire.ot.json.JsonText;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * An editing trace in the josephg/editing-traces format (shared/traces/README.md): a start text,
 * an end text, and transactions of {@code [pos, delCount, insText]} patches whose positions count
 * Unicode code points.
 *
 * @param startContent the text before the first patch
 * @param endContent the text the patches must produce
 * @param patches every patch of every transaction, in order
 */
public record EditingTrace(String startContent, String endContent, List<Patch> patches) {

  /** One splice: delete {@code delete} code points at {@code pos}, then insert {@code insert}. */
  public record Patch(int pos, int delete, String insert) {}

  /** Reads a trace, gzipped ({@code .gz}) or not. */
  public static EditingTrace read(Path file) throws IOException {
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
        JsonParser p = new JsonFactory().createParser(in)) {
      String start = null;
      String end = null;
      List<Patch> patches = new ArrayList<>();
      expect(p, p.nextToken(), JsonToken.START_OBJECT);
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken t = p.nextToken();
        switch (field) {
          case "startContent":
            start = p.getText();
            break;
          case "endContent":
            end = p.getText();
            break;
          case "txns":
            expect(p, t, JsonToken.START_ARRAY);
            while (p.nextToken() == JsonToken.START_OBJECT) {
              readTxn(p, patches);
            }
            break;
          default:
            p.skipChildren();
        }
      }
      if (start == null || end == null) {
        throw new IOException(file + ": a trace needs startContent and endContent");
      }
      return new EditingTrace(start, end, patches);
    }
  }

  private static void readTxn(JsonParser p, List<Patch> out) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken t = p.nextToken();
      if (!"patches".equals(field)) {
        p.skipChildren();
        continue;
      }
      expect(p, t, JsonToken.START_ARRAY);
      while (p.nextToken() == JsonToken.START_ARRAY) {
        p.nextToken();
        int pos = p.getIntValue();
        p.nextToken();
        int del = p.getIntValue();
        p.nextToken();
        String ins = p.getText();
        expect(p, p.nextToken(), JsonToken.END_ARRAY);
        out.add(new Patch(pos, del, ins));
      }
    }
  }

  private static void expect(JsonParser p, JsonToken got, JsonToken want) throws IOException {
    if (got != want) {
      throw new IOException("malformed trace at " + p.currentLocation() + ": expected " + want + ", got " + got);
    }
  }

  /**
   * Each patch as the JSON text of a rich-text op, as a client would send it:
   * {@code [{"retain":pos},{"delete":n},{"insert":"…"}]} with zero-length parts left out, and
   * positions turned from code points into UTF-16 units.
   */
  public List<String> toJsonOps() {
    List<String> out = new ArrayList<>(patches.size());
    boolean ascii = isAscii(startContent);
    for (Patch p : patches) {
      ascii &= isAscii(p.insert());
    }
    // Code points equal UTF-16 units in an ASCII text; otherwise track the text to convert.
    StringBuilder text = ascii ? null : new StringBuilder(startContent);
    StringBuilder json = new StringBuilder(64);
    for (Patch p : patches) {
      int pos = p.pos();
      int del = p.delete();
      if (text != null) {
        int from = text.offsetByCodePoints(0, p.pos());
        int to = text.offsetByCodePoints(from, p.delete());
        pos = from;
        del = to - from;
        text.replace(from, to, p.insert());
      }
      json.setLength(0);
      json.append('[');
      if (pos > 0) {
        json.append("{\"retain\":").append(pos).append('}');
      }
      if (del > 0) {
        json.append(json.length() > 1 ? "," : "").append("{\"delete\":").append(del).append('}');
      }
      if (!p.insert().isEmpty()) {
        json.append(json.length() > 1 ? "," : "").append("{\"insert\":");
        JsonText.string(json, p.insert());
        json.append('}');
      }
      out.add(json.append(']').toString());
    }
    return out;
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }
}
