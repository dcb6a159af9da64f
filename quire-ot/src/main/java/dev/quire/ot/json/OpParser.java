package dev.quire.ot.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.ot.AttributeMap;
import dev.quire.ot.Delta;
import dev.quire.ot.Op;
import dev.quire.ot.OtException;
import dev.quire.ot.OtLimits;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * A strict recursive-descent reader of one op's JSON text (RFC 8259), building ops directly.
 *
 * <p>Why not Jackson here: an op is tiny (a keystroke is about 33 bytes) and Jackson's fixed cost
 * of setting up a parser is several times the cost of reading it; ops are the server's hottest
 * input. Attribute values and embeds become Jackson trees, so the rest of the code sees the same
 * types either way. The JSON grammar is checked fully (escapes, numbers, control characters,
 * nesting depth), and a syntax error is a refusal like any other malformed op.
 */
final class OpParser {
  /** Deepest nesting of attribute values and embeds; deeper input is refused, not recursed into. */
  static final int MAX_DEPTH = 200;

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  /**
   * Attribute names that quill-delta looks up as {@code attrs[key]} on plain JavaScript objects,
   * where these names resolve to {@code Object.prototype} members: for such a key the browser
   * computes something else than the algorithm says (found by the differential test), so the
   * server refuses them rather than let documents diverge.
   */
  static final java.util.Set<String> RESERVED_ATTRIBUTES = java.util.Set.of(
      "__proto__", "constructor", "hasOwnProperty", "isPrototypeOf", "propertyIsEnumerable",
      "toLocaleString", "toString", "valueOf", "__defineGetter__", "__defineSetter__",
      "__lookupGetter__", "__lookupSetter__");

  private final String s;
  private final OtLimits limits;
  private int i;

  private OpParser(String s, OtLimits limits) {
    this.s = s;
    this.limits = limits;
  }

  static Delta parse(String json, OtLimits limits) throws OtException {
    OpParser p = new OpParser(json, limits);
    Delta d = p.op();
    p.ws();
    if (p.i != json.length()) {
      throw p.syntax("unexpected text after the op");
    }
    return d;
  }

  private Delta op() throws OtException {
    ws();
    char c = peek();
    if (c == '[') {
      return components();
    }
    if (c != '{') {
      throw OtException.badlyFormed("an op must be an array of components or an object {\"ops\":[...]}, got " + describe());
    }
    i++;
    Delta delta = null;
    ws();
    if (peek() == '}') {
      i++;
    } else {
      while (true) {
        ws();
        String key = string();
        colon();
        if (!"ops".equals(key)) {
          throw OtException.badlyFormed("unknown key \"" + key + "\" in the op object; only \"ops\" is allowed");
        }
        if (delta != null) {
          throw OtException.badlyFormed("the key \"ops\" appears twice");
        }
        if (peek() != '[') {
          throw OtException.badlyFormed("\"ops\" must be an array, got " + describe());
        }
        delta = components();
        if (endOfObject()) {
          break;
        }
      }
    }
    if (delta == null) {
      throw OtException.badlyFormed("the op object has no \"ops\" array");
    }
    return delta;
  }

  private Delta components() throws OtException {
    i++; // '['
    List<Op> ops = new ArrayList<>();
    ws();
    if (peek() == ']') {
      i++;
      return new Delta(ops);
    }
    while (true) {
      ws();
      limits.checkComponents(ops.size() + 1);
      if (peek() == 0) {
        throw syntax("the op ends before its array is closed");
      }
      if (peek() != '{') {
        throw OtException.badlyFormed("op[" + ops.size() + "]: a component must be an object, got " + describe());
      }
      ops.add(component(ops.size()));
      ws();
      char c = next();
      if (c == ']') {
        return new Delta(ops);
      }
      if (c != ',') {
        throw syntax("expected , or ] after op[" + (ops.size() - 1) + "]");
      }
    }
  }

  private Op component(int n) throws OtException {
    i++; // '{'
    String text = null;
    ObjectNode embed = null;
    long retain = 0;
    long delete = 0;
    AttributeMap attributes = null;
    int kinds = 0;
    boolean hasAttributes = false;
    ws();
    if (peek() == '}') {
      i++;
    } else {
      while (true) {
        ws();
        String key = string();
        colon();
        switch (key) {
          case "insert":
            checkOnce(n, key, text != null || embed != null);
            if (peek() == '"') {
              text = string();
              if (text.isEmpty()) {
                throw OtException.badlyFormed("op[" + n + "].insert: an empty string has length zero; leave the component out");
              }
            } else if (peek() == '{') {
              embed = (ObjectNode) value(1);
            } else {
              throw OtException.badlyFormed("op[" + n + "].insert: must be a string or an embed object, got " + describe());
            }
            kinds++;
            break;
          case "retain":
            checkOnce(n, key, retain != 0);
            if (peek() == '{') {
              throw OtException.badlyFormed("op[" + n + "].retain: object retains (quill-delta 5) are not supported; retain a length");
            }
            retain = length(n, key);
            kinds++;
            break;
          case "delete":
            checkOnce(n, key, delete != 0);
            delete = length(n, key);
            kinds++;
            break;
          case "attributes":
            checkOnce(n, key, hasAttributes);
            if (peek() != '{') {
              throw OtException.badlyFormed("op[" + n + "].attributes: must be an object, got " + describe());
            }
            attributes = attributes(n);
            hasAttributes = true;
            break;
          default:
            throw OtException.badlyFormed(
                "op[" + n + "]: unknown key \"" + key + "\"; a component has insert, retain or delete, and attributes");
        }
        if (endOfObject()) {
          break;
        }
      }
    }
    if (kinds != 1) {
      throw OtException.badlyFormed(
          "op[" + n + "]: " + (kinds == 0 ? "has none" : "has more than one")
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
      throw OtException.badlyFormed("op[" + n + "]: a delete takes no attributes");
    }
    return Op.delete(delete);
  }

  private static void checkOnce(int n, String key, boolean seen) throws OtException {
    if (seen) {
      throw OtException.badlyFormed("op[" + n + "]: the key \"" + key + "\" appears twice");
    }
  }

  private long length(int n, String key) throws OtException {
    char c = peek();
    if (c != '-' && (c < '0' || c > '9')) {
      if ("\"{[tfn".indexOf(c) < 0) {
        throw syntax("expected a value");
      }
      throw OtException.badlyFormed("op[" + n + "]." + key + ": must be a positive integer, got " + describe());
    }
    int start = i;
    JsonNode num = number();
    double d = num.doubleValue();
    if (num.isIntegralNumber() ? num.canConvertToLong() && num.longValue() >= 1 && num.longValue() <= Op.MAX_LENGTH
        : d == Math.rint(d) && d >= 1 && d <= Op.MAX_LENGTH) {
      return num.isIntegralNumber() ? num.longValue() : (long) d;
    }
    throw OtException.badlyFormed(
        "op[" + n + "]." + key + ": must be a positive integer of at most 2^53-1, got " + s.substring(start, i));
  }

  private AttributeMap attributes(int n) throws OtException {
    i++; // '{'
    AttributeMap.Builder b = AttributeMap.builder();
    ws();
    if (peek() == '}') {
      i++;
      return b.build();
    }
    while (true) {
      ws();
      String key = string();
      if (RESERVED_ATTRIBUTES.contains(key)) {
        throw OtException.badlyFormed("op[" + n + "].attributes: the name \"" + key
            + "\" is reserved: it names a built-in of JavaScript objects, which the browser's OT code"
            + " reads through the prototype chain, so clients would disagree");
      }
      colon();
      b.put(key, value(1)); // a repeated key replaces the first, as JSON.parse does
      if (endOfObject()) {
        return b.build();
      }
    }
  }

  /** Any JSON value, as a Jackson tree. */
  private JsonNode value(int depth) throws OtException {
    if (depth > MAX_DEPTH) {
      throw OtException.badlyFormed("values are nested deeper than " + MAX_DEPTH + " levels");
    }
    ws();
    char c = peek();
    switch (c) {
      case '"':
        return F.textNode(string());
      case '{': {
        i++;
        ObjectNode o = F.objectNode();
        ws();
        if (peek() == '}') {
          i++;
          return o;
        }
        while (true) {
          ws();
          String key = string();
          colon();
          o.set(key, value(depth + 1));
          if (endOfObject()) {
            return o;
          }
        }
      }
      case '[': {
        i++;
        ArrayNode a = F.arrayNode();
        ws();
        if (peek() == ']') {
          i++;
          return a;
        }
        while (true) {
          a.add(value(depth + 1));
          ws();
          char d = next();
          if (d == ']') {
            return a;
          }
          if (d != ',') {
            throw syntax("expected , or ] in an array");
          }
        }
      }
      case 't':
        literal("true");
        return F.booleanNode(true);
      case 'f':
        literal("false");
        return F.booleanNode(false);
      case 'n':
        literal("null");
        return F.nullNode();
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return number();
        }
        throw syntax("expected a value");
    }
  }

  private void literal(String word) throws OtException {
    if (!s.startsWith(word, i)) {
      throw syntax("expected a value");
    }
    i += word.length();
  }

  /** A JSON number: integers as long (or BigInteger), anything with a fraction or exponent as double. */
  private JsonNode number() throws OtException {
    int start = i;
    if (peek() == '-') {
      i++;
    }
    if (peek() == '0') {
      i++;
      if (digit(peek())) {
        throw syntax("a number cannot start with 0");
      }
    } else if (digit(peek()) && peek() != '0') {
      while (digit(peek())) {
        i++;
      }
    } else {
      throw syntax("malformed number");
    }
    boolean integral = true;
    if (peek() == '.') {
      i++;
      integral = false;
      if (!digit(peek())) {
        throw syntax("malformed number");
      }
      while (digit(peek())) {
        i++;
      }
    }
    if (peek() == 'e' || peek() == 'E') {
      i++;
      integral = false;
      if (peek() == '+' || peek() == '-') {
        i++;
      }
      if (!digit(peek())) {
        throw syntax("malformed number");
      }
      while (digit(peek())) {
        i++;
      }
    }
    int len = i - start;
    if (integral) {
      if (len <= 18) {
        long v = 0;
        int k = start;
        boolean negative = s.charAt(k) == '-';
        if (negative) {
          k++;
        }
        for (; k < i; k++) {
          v = v * 10 + (s.charAt(k) - '0');
        }
        v = negative ? -v : v;
        return v == (int) v ? F.numberNode((int) v) : F.numberNode(v);
      }
      return F.numberNode(new BigInteger(s.substring(start, i)));
    }
    // JSON.parse makes a number too large for a double Infinity, which JSON.stringify then writes
    // as null: every client sees null, so that is what is kept.
    double d = Double.parseDouble(s.substring(start, i));
    return Double.isInfinite(d) ? F.nullNode() : F.numberNode(d);
  }

  private static boolean digit(char c) {
    return c >= '0' && c <= '9';
  }

  /** A JSON string literal at the current position. */
  private String string() throws OtException {
    if (peek() != '"') {
      throw syntax("expected a string");
    }
    int start = ++i;
    int n = s.length();
    // Fast path: no escapes.
    while (i < n) {
      char c = s.charAt(i);
      if (c == '"') {
        return s.substring(start, i++);
      }
      if (c == '\\') {
        break;
      }
      if (c < 0x20) {
        throw syntax("a control character must be escaped in a string");
      }
      i++;
    }
    StringBuilder sb = new StringBuilder(i - start + 16).append(s, start, i);
    while (i < n) {
      char c = s.charAt(i++);
      if (c == '"') {
        return sb.toString();
      }
      if (c < 0x20) {
        throw syntax("a control character must be escaped in a string");
      }
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      if (i >= n) {
        break;
      }
      char e = s.charAt(i++);
      switch (e) {
        case '"': sb.append('"'); break;
        case '\\': sb.append('\\'); break;
        case '/': sb.append('/'); break;
        case 'b': sb.append('\b'); break;
        case 'f': sb.append('\f'); break;
        case 'n': sb.append('\n'); break;
        case 'r': sb.append('\r'); break;
        case 't': sb.append('\t'); break;
        case 'u': {
          if (i + 4 > n) {
            throw syntax("a \\u escape needs four hex digits");
          }
          int v = 0;
          for (int k = 0; k < 4; k++) {
            int h = Character.digit(s.charAt(i++), 16);
            if (h < 0) {
              throw syntax("a \\u escape needs four hex digits");
            }
            v = (v << 4) | h;
          }
          sb.append((char) v); // lone surrogates are kept: the protocol allows them
          break;
        }
        default:
          throw syntax("invalid escape \\" + e);
      }
    }
    throw syntax("a string is not closed");
  }

  private void colon() throws OtException {
    ws();
    if (next() != ':') {
      throw syntax("expected :");
    }
    ws();
  }

  /** After a member: true at '}', false at ','; anything else is a syntax error. */
  private boolean endOfObject() throws OtException {
    ws();
    char c = next();
    if (c == '}') {
      return true;
    }
    if (c != ',') {
      throw syntax("expected , or } in an object");
    }
    return false;
  }

  private void ws() {
    int n = s.length();
    while (i < n) {
      char c = s.charAt(i);
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return;
      }
      i++;
    }
  }

  /** The next character, or 0 at the end (0 is never valid outside a string). */
  private char peek() {
    return i < s.length() ? s.charAt(i) : 0;
  }

  private char next() {
    return i < s.length() ? s.charAt(i++) : 0;
  }

  private String describe() {
    char c = peek();
    switch (c) {
      case 0: return "the end of the text";
      case '[': return "an array";
      case '{': return "an object";
      case '"': return "a string";
      case 't':
      case 'f': return "a boolean";
      case 'n': return "null";
      default:
        if (c == '-' || digit(c)) {
          int end = i;
          while (end < s.length() && "+-.eE0123456789".indexOf(s.charAt(end)) >= 0) {
            end++;
          }
          return "the number " + s.substring(i, end);
        }
        return "invalid JSON at offset " + i;
    }
  }

  private OtException syntax(String what) {
    return OtException.badlyFormed("not valid JSON at offset " + i + ": " + what);
  }
}
