package dev.quire.ot.json;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.ot.AttributeMap;
import dev.quire.ot.Delta;
import dev.quire.ot.Op;
import dev.quire.ot.OtError;
import dev.quire.ot.OtException;
import dev.quire.ot.OtLimits;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes Deltas as JSON: an array of ops, or a Quill Delta object {@code {"ops":[...]}}.
 *
 * <p>Reading is strict (sharedb-protocol.md §7): every component must have exactly one of
 * {@code insert}, {@code retain}, {@code delete}; lengths are positive integers (a JSON number with
 * an integral value, so {@code 2.0} is 2 as in JavaScript) of at most 2^53−1; an insert is a
 * non-empty string or an embed object; {@code attributes} is an object and never sits on a delete;
 * no other key is allowed. Anything else is refused with {@link OtError#OP_BADLY_FORMED} and a
 * message naming the component. Size limits are checked while reading, before the rest is built.
 *
 * <p>A streaming parser builds the ops directly; only attribute values and embeds become trees.
 */
public final class DeltaJson {
  /** Shared, thread-safe; parsers made from it can read values as trees. */
  static final ObjectMapper MAPPER = new ObjectMapper();

  private DeltaJson() {}

  /** Parses a whole JSON text holding one op. */
  public static Delta parse(String json, OtLimits limits) throws OtException {
    limits.checkBytes(JsonText.utf8Length(json));
    try (JsonParser p = MAPPER.createParser(json)) {
      p.nextToken();
      Delta delta = read(p, limits, false);
      if (p.nextToken() != null) {
        throw OtException.badlyFormed("unexpected text after the op");
      }
      return delta;
    } catch (JsonProcessingException e) {
      throw OtException.badlyFormed("not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new IllegalStateException("reading from a string cannot fail", e);
    }
  }

  /**
   * Reads one op whose first token is {@code p}'s current token, leaving the parser on its last
   * token. Its size is measured from the parser's offsets (characters or bytes, whichever the
   * source counts).
   */
  public static Delta read(JsonParser p, OtLimits limits) throws OtException, IOException {
    return read(p, limits, true);
  }

  /** Reads an op already parsed into a tree (for example inside a protocol message). */
  public static Delta fromTree(JsonNode node, OtLimits limits) throws OtException {
    try (JsonParser p = MAPPER.treeAsTokens(node)) {
      p.nextToken();
      return read(p, limits, false);
    } catch (IOException e) {
      throw new IllegalStateException("reading a tree cannot fail", e);
    }
  }

  private static Delta read(JsonParser p, OtLimits limits, boolean measure)
      throws OtException, IOException {
    long start = measure ? offset(p.currentTokenLocation()) : 0;
    JsonToken t = p.currentToken();
    Delta delta;
    if (t == JsonToken.START_ARRAY) {
      delta = readOps(p, limits);
    } else if (t == JsonToken.START_OBJECT) {
      delta = null;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        p.nextToken();
        if (!"ops".equals(key)) {
          throw OtException.badlyFormed("unknown key \"" + key + "\" in the op object; only \"ops\" is allowed");
        }
        if (delta != null) {
          throw OtException.badlyFormed("the key \"ops\" appears twice");
        }
        if (p.currentToken() != JsonToken.START_ARRAY) {
          throw OtException.badlyFormed("\"ops\" must be an array, got " + describe(p));
        }
        delta = readOps(p, limits);
      }
      if (delta == null) {
        throw OtException.badlyFormed("the op object has no \"ops\" array");
      }
    } else {
      throw OtException.badlyFormed(
          "an op must be an array of components or an object {\"ops\":[...]}, got " + describe(p));
    }
    if (measure) {
      long end = offset(p.currentLocation());
      if (start >= 0 && end >= 0) {
        limits.checkBytes(end - start);
      }
    }
    return delta;
  }

  private static long offset(JsonLocation location) {
    long bytes = location.getByteOffset();
    return bytes >= 0 ? bytes : location.getCharOffset();
  }

  private static Delta readOps(JsonParser p, OtLimits limits) throws OtException, IOException {
    List<Op> ops = new ArrayList<>();
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t == null) {
        throw OtException.badlyFormed("the op ends before its array is closed");
      }
      limits.checkComponents(ops.size() + 1);
      if (t != JsonToken.START_OBJECT) {
        throw OtException.badlyFormed("op[" + ops.size() + "]: a component must be an object, got " + describe(p));
      }
      ops.add(readComponent(p, ops.size()));
    }
    return new Delta(ops);
  }

  private static Op readComponent(JsonParser p, int i) throws OtException, IOException {
    String text = null;
    ObjectNode embed = null;
    long retain = 0;
    long delete = 0;
    AttributeMap attributes = null;
    int kinds = 0;
    boolean hasAttributes = false;
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      t = p.nextToken();
      switch (key) {
        case "insert":
          checkOnce(i, key, text != null || embed != null);
          if (t == JsonToken.VALUE_STRING) {
            text = p.getText();
            if (text.isEmpty()) {
              throw OtException.badlyFormed("op[" + i + "].insert: an empty string has length zero; leave the component out");
            }
          } else if (t == JsonToken.START_OBJECT) {
            embed = p.readValueAsTree();
          } else {
            throw OtException.badlyFormed("op[" + i + "].insert: must be a string or an embed object, got " + describe(p));
          }
          kinds++;
          break;
        case "retain":
          checkOnce(i, key, retain != 0);
          if (t == JsonToken.START_OBJECT) {
            throw OtException.badlyFormed("op[" + i + "].retain: object retains (quill-delta 5) are not supported; retain a length");
          }
          retain = length(p, i, key);
          kinds++;
          break;
        case "delete":
          checkOnce(i, key, delete != 0);
          delete = length(p, i, key);
          kinds++;
          break;
        case "attributes":
          checkOnce(i, key, hasAttributes);
          if (t != JsonToken.START_OBJECT) {
            throw OtException.badlyFormed("op[" + i + "].attributes: must be an object, got " + describe(p));
          }
          attributes = readAttributes(p);
          hasAttributes = true;
          break;
        default:
          throw OtException.badlyFormed(
              "op[" + i + "]: unknown key \"" + key + "\"; a component has insert, retain or delete, and attributes");
      }
    }
    if (kinds != 1) {
      throw OtException.badlyFormed(
          "op[" + i + "]: " + (kinds == 0 ? "has none" : "has more than one")
              + " of insert, retain and delete; a component has exactly one");
    }
    if (text != null) {
      return Op.insert(text, attributes);
    }
    if (embed != null) {
      return Op.insertEmbed(embed, attributes);
    }
    if (retain != 0) {
      return Op.retain(retain, attributes);
    }
    if (hasAttributes) {
      throw OtException.badlyFormed("op[" + i + "]: a delete takes no attributes");
    }
    return Op.delete(delete);
  }

  private static void checkOnce(int i, String key, boolean seen) throws OtException {
    if (seen) {
      throw OtException.badlyFormed("op[" + i + "]: the key \"" + key + "\" appears twice");
    }
  }

  private static long length(JsonParser p, int i, String key) throws OtException, IOException {
    JsonToken t = p.currentToken();
    long value;
    if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
      value = p.getLongValue();
    } else if (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) {
      double d = p.getDoubleValue();
      value = d == Math.rint(d) && d >= 1 && d <= Op.MAX_LENGTH ? (long) d : -1;
      if (value < 0) {
        throw OtException.badlyFormed(
            "op[" + i + "]." + key + ": must be a positive integer of at most 2^53-1, got " + p.getText());
      }
    } else {
      throw OtException.badlyFormed("op[" + i + "]." + key + ": must be a positive integer, got " + describe(p));
    }
    if (value < 1 || value > Op.MAX_LENGTH) {
      throw OtException.badlyFormed(
          "op[" + i + "]." + key + ": must be a positive integer of at most 2^53-1, got " + p.getText());
    }
    return value;
  }

  private static AttributeMap readAttributes(JsonParser p) throws IOException {
    AttributeMap.Builder b = AttributeMap.builder();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      p.nextToken();
      JsonNode value = p.readValueAsTree();
      b.put(key, value); // a repeated key replaces the first, as JSON.parse does
    }
    return b.build();
  }

  private static String describe(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == null) {
      return "the end of the text";
    }
    switch (t) {
      case START_ARRAY:
        return "an array";
      case START_OBJECT:
        return "an object";
      case VALUE_STRING:
        return "a string";
      case VALUE_NULL:
        return "null";
      case VALUE_TRUE:
      case VALUE_FALSE:
        return "a boolean";
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return "the number " + p.getText();
      default:
        return t.asString() == null ? t.name() : t.asString();
    }
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
