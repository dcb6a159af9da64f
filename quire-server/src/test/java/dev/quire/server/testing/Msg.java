package dev.quire.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Predicate;

/** ShareDB protocol messages and predicates that recognise their replies. */
public final class Msg {
  public static final String COLLECTION = "docs";

  private Msg() {}

  public static ObjectNode obj() {
    return WsClient.JSON.createObjectNode();
  }

  public static ObjectNode fetch(String doc) {
    return obj().put("a", "f").put("c", COLLECTION).put("d", doc).putNull("v");
  }

  public static ObjectNode subscribe(String doc) {
    return obj().put("a", "s").put("c", COLLECTION).put("d", doc).putNull("v");
  }

  /** A create with rich-text data {@code [{"insert": text}]}, based on no version. */
  public static ObjectNode create(String doc, long seq, String text) {
    ObjectNode m = obj().put("a", "op").put("c", COLLECTION).put("d", doc).putNull("v").put("seq", seq);
    m.putObject("create").put("type", "rich-text").putArray("data").addObject().put("insert", text);
    return m;
  }

  /** An edit {@code op} (any JSON, well-formed or not) based on version {@code v}. */
  public static ObjectNode op(String doc, long v, long seq, JsonNode op) {
    ObjectNode m = obj().put("a", "op").put("c", COLLECTION).put("d", doc).put("v", v).put("seq", seq);
    m.set("op", op);
    return m;
  }

  /** An edit that inserts {@code text} at {@code index}. */
  public static ObjectNode insert(String doc, long v, long seq, long index, String text) {
    return op(doc, v, seq, json(index == 0
        ? "[{\"insert\":" + quote(text) + "}]"
        : "[{\"retain\":" + index + "},{\"insert\":" + quote(text) + "}]"));
  }

  public static JsonNode json(String text) {
    try {
      return WsClient.JSON.readTree(text);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  public static String quote(String s) {
    return WsClient.JSON.getNodeFactory().textNode(s).toString();
  }

  // ---- replies ----

  public static boolean isError(JsonNode m) {
    return m.has("error");
  }

  public static String errorCode(JsonNode m) {
    return m.path("error").path("code").asText(null);
  }

  /** A reply without its {@code error}: for an error reply, what should equal the request. */
  public static JsonNode withoutError(JsonNode m) {
    ObjectNode copy = ((ObjectNode) m).deepCopy();
    copy.remove("error");
    return copy;
  }

  /** A success or error reply to a fetch/subscribe of {@code doc}. */
  public static Predicate<JsonNode> replyTo(String action, String doc) {
    return m -> action.equals(m.path("a").asText()) && doc.equals(m.path("d").asText()) && !m.has("b");
  }

  /** The ack, or error reply, for the op {@code (src, seq)} of this connection. */
  public static Predicate<JsonNode> ackOrError(long seq) {
    return m -> "op".equals(m.path("a").asText()) && m.path("seq").asLong(-1) == seq
        && (m.has("error") || !(m.has("op") || m.has("create") || m.has("del")));
  }

  /** A pushed op (not an ack) on {@code doc} at version {@code v}. */
  public static Predicate<JsonNode> pushedOp(String doc, long v) {
    return m -> "op".equals(m.path("a").asText()) && doc.equals(m.path("d").asText()) && m.path("v").asLong(-1) == v
        && !m.has("error") && (m.has("op") || m.has("create") || m.has("del"));
  }
}
