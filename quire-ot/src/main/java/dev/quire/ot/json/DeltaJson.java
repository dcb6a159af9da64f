package dev.quire.ot.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.ot.AttributeMap;
import dev.quire.ot.Delta;
import dev.quire.ot.Op;
import dev.quire.ot.OtException;
import dev.quire.ot.OtLimits;

/**
 * Reads and writes Deltas as JSON: an array of ops, or a Quill Delta object {@code {"ops":[...]}}.
 *
 * <p>Reading is strict (sharedb-protocol.md §7): every component must have exactly one of
 * {@code insert}, {@code retain}, {@code delete}; lengths are positive integers (a JSON number with
 * an integral value, so {@code 2.0} is 2 as in JavaScript) of at most 2^53−1; an insert is a
 * non-empty string or an embed object; {@code attributes} is an object and never sits on a delete;
 * no other key is allowed. Anything else is refused with {@code ERR_OT_OP_BADLY_FORMED} and a
 * message naming the component. Size limits are checked while reading, before the rest is built.
 *
 * <p>{@link OpParser} builds the ops directly from the text; only attribute values and embeds
 * become (Jackson) trees.
 */
public final class DeltaJson {
  /** Shared and thread-safe. */
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private DeltaJson() {}

  /** Parses a whole JSON text holding one op, checking its size first. */
  public static Delta parse(String json, OtLimits limits) throws OtException {
    limits.checkBytes(JsonText.utf8Length(json));
    return OpParser.parse(json, limits);
  }

  /**
   * Reads an op already parsed into a tree (for example inside a protocol message). The tree is
   * written back to text and read by the same strict reader, so both ways in check the same
   * rules.
   */
  public static Delta fromTree(JsonNode node, OtLimits limits) throws OtException {
    StringBuilder sb = new StringBuilder();
    JsonText.value(sb, node);
    return parse(sb.toString(), limits);
  }

  /** The op as a JSON array of components. */
  public static String write(Delta delta) {
    StringBuilder out = new StringBuilder(16 + delta.size() * 24);
    write(delta, out);
    return out.toString();
  }

  /** Appends the op as a JSON array of components. */
  public static void write(Delta delta, StringBuilder out) {
    out.append('[');
    for (int i = 0; i < delta.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      writeOp(delta.get(i), out);
    }
    out.append(']');
  }

  /** Appends one component as a JSON object. */
  public static void writeOp(Op op, StringBuilder out) {
    out.append('{');
    switch (op.type()) {
      case INSERT:
        out.append("\"insert\":");
        if (op.isTextInsert()) {
          JsonText.string(out, op.text());
        } else {
          JsonText.value(out, op.embed());
        }
        break;
      case RETAIN:
        out.append("\"retain\":").append(op.length());
        break;
      default:
        out.append("\"delete\":").append(op.length());
    }
    AttributeMap attributes = op.attributes();
    if (attributes != null) {
      out.append(",\"attributes\":{");
      int[] n = {0};
      attributes.forEach((k, v) -> {
        if (n[0]++ > 0) {
          out.append(',');
        }
        JsonText.string(out, k);
        out.append(':');
        JsonText.value(out, v);
      });
      out.append('}');
    }
    out.append('}');
  }

  /** The op as a Jackson tree, for embedding in a larger message built as a tree. */
  public static JsonNode toTree(Delta delta) {
    try {
      return MAPPER.readTree(write(delta));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("our own JSON did not parse", e);
    }
  }
}
