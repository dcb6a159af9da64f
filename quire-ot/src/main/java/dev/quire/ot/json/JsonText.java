package dev.quire.ot.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Writes JSON text the way JavaScript's {@code JSON.stringify} does for strings: only quotes,
 * backslashes, control characters and lone UTF-16 surrogates are escaped.
 *
 * <p>Why not Jackson's generator: its UTF-8 output refuses (or mangles) a lone surrogate, which
 * the protocol allows inside an op (a client may split an emoji), and its escape-non-ASCII mode
 * doubles the size of every non-Latin text. Ops must round-trip exactly and stay compact.
 */
public final class JsonText {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private JsonText() {}

  /** Appends {@code s} as a JSON string literal. */
  public static void string(StringBuilder out, String s) {
    out.append('"');
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c != '"' && c != '\\' && (c < Character.MIN_SURROGATE || c > Character.MAX_SURROGATE)) {
        out.append(c);
        continue;
      }
      switch (c) {
        case '"':
          out.append("\\\"");
          break;
        case '\\':
          out.append("\\\\");
          break;
        case '\n':
          out.append("\\n");
          break;
        case '\r':
          out.append("\\r");
          break;
        case '\t':
          out.append("\\t");
          break;
        case '\b':
          out.append("\\b");
          break;
        case '\f':
          out.append("\\f");
          break;
        default:
          if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
            out.append(c).append(s.charAt(++i));
          } else {
            unicodeEscape(out, c); // a control character or a lone surrogate
          }
      }
    }
    out.append('"');
  }

  private static void unicodeEscape(StringBuilder out, char c) {
    out.append("\\u").append(HEX[(c >> 12) & 0xF]).append(HEX[(c >> 8) & 0xF])
        .append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
  }

  /** Appends any JSON value. Integral doubles are written as integers, as JavaScript does. */
  public static void value(StringBuilder out, JsonNode node) {
    switch (node.getNodeType()) {
      case STRING:
        string(out, node.textValue());
        break;
      case NUMBER:
        number(out, node);
        break;
      case BOOLEAN:
        out.append(node.booleanValue());
        break;
      case ARRAY: {
        out.append('[');
        boolean first = true;
        for (JsonNode e : node) {
          if (!first) {
            out.append(',');
          }
          first = false;
          value(out, e);
        }
        out.append(']');
        break;
      }
      case OBJECT: {
        out.append('{');
        boolean first = true;
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          if (!first) {
            out.append(',');
          }
          first = false;
          string(out, e.getKey());
          out.append(':');
          value(out, e.getValue());
        }
        out.append('}');
        break;
      }
      default:
        out.append("null"); // NULL, and MISSING/POJO/BINARY, which parsed JSON never holds
    }
  }

  private static void number(StringBuilder out, JsonNode node) {
    if (node.isIntegralNumber()) {
      out.append(node.asText());
      return;
    }
    double d = node.doubleValue();
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      out.append("null"); // as JSON.stringify does
    } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      out.append((long) d);
    } else {
      out.append(d);
    }
  }

  /** The number of bytes {@code s} takes in UTF-8 (a lone surrogate counts as its escape, 6). */
  public static long utf8Length(String s) {
    long bytes = 0;
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        bytes += 6;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }
}
