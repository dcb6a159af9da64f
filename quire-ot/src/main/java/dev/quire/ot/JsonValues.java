package dev.quire.ot;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * JavaScript's two notions of equality on parsed JSON values, which quill-delta uses in different
 * places: lodash {@code isEqual} (deep, structural) and {@code ===} (identity for objects and
 * arrays). Numbers compare as IEEE doubles, as they are in JavaScript, so {@code 1} equals
 * {@code 1.0}.
 */
public final class JsonValues {
  private JsonValues() {}

  /** lodash {@code isEqual}: deep structural equality; {@code null} (absent) equals only absent. */
  public static boolean deepEquals(JsonNode a, JsonNode b) {
    if (a == b) {
      return true;
    }
    if (a == null || b == null) {
      return false;
    }
    if (a.isNumber() && b.isNumber()) {
      return a.doubleValue() == b.doubleValue();
    }
    if (a.getNodeType() != b.getNodeType()) {
      return false;
    }
    switch (a.getNodeType()) {
      case STRING:
        return a.textValue().equals(b.textValue());
      case BOOLEAN:
        return a.booleanValue() == b.booleanValue();
      case NULL:
        return true;
      case ARRAY: {
        if (a.size() != b.size()) {
          return false;
        }
        for (int i = 0; i < a.size(); i++) {
          if (!deepEquals(a.get(i), b.get(i))) {
            return false;
          }
        }
        return true;
      }
      case OBJECT: {
        if (a.size() != b.size()) {
          return false;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          if (!deepEquals(e.getValue(), b.get(e.getKey()))) {
            return false;
          }
        }
        return true;
      }
      default:
        return a.equals(b);
    }
  }

  /**
   * JavaScript {@code ===} on values taken from parsed JSON: primitives by value, objects and arrays
   * by identity. quill-delta's {@code AttributeMap.invert} uses it, so an object-valued attribute is
   * never "the same" as an equal-looking one parsed from another op.
   */
  public static boolean strictEquals(JsonNode a, JsonNode b) {
    if (a == b) {
      return true;
    }
    if (a == null || b == null) {
      return false;
    }
    if (a.isContainerNode() || b.isContainerNode()) {
      return false;
    }
    return deepEquals(a, b);
  }

  /** A hash consistent with {@link #deepEquals}. */
  public static int deepHash(JsonNode n) {
    if (n == null) {
      return 0;
    }
    switch (n.getNodeType()) {
      case NUMBER: {
        double d = n.doubleValue();
        return d == 0 ? 0 : Double.hashCode(d);
      }
      case STRING:
        return n.textValue().hashCode();
      case BOOLEAN:
        return n.booleanValue() ? 1231 : 1237;
      case NULL:
        return 7;
      case ARRAY: {
        int h = 1;
        for (JsonNode e : n) {
          h = 31 * h + deepHash(e);
        }
        return h;
      }
      case OBJECT: {
        int h = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          h += e.getKey().hashCode() ^ deepHash(e.getValue());
        }
        return h;
      }
      default:
        return n.hashCode();
    }
  }
}
