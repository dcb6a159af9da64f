package dev.quire.bench.load;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * What the load generator needs from one server message, read in one streaming pass: the action,
 * version, source, sequence number, error, and, for an op, how much it changes the document's
 * length. An author never keeps the document itself (thousands of them would cost more CPU than
 * the server under test): the length is all it needs to pick valid positions, and at the end the
 * snapshots fetched from the servers are compared instead.
 */
final class Frame {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonFactory FACTORY = JSON.getFactory();

  String action;
  long version = -1;
  String src;
  long seq = -1;
  /** An op message carrying an op (a broadcast or catch-up), not an ack. */
  boolean hasOp;
  /** The op's change of the document's length, in UTF-16 units (what positions count). */
  long lengthDelta;
  /**
   * The op's components as (kind, length) pairs — kind {@link #RETAIN}, {@link #INSERT} or
   * {@link #DELETE} — so that an author can transform its own one-character delete against it.
   */
  long[] components = new long[8];
  int componentCount;

  static final long RETAIN = 0;
  static final long INSERT = 1;
  static final long DELETE = 2;
  String errorCode;
  String errorMessage;
  /** {@code data} of a subscribe or fetch reply, as a tree; null otherwise. */
  JsonNode data;
  String id;

  static Frame parse(String text) throws IOException {
    try (JsonParser p = FACTORY.createParser(text)) {
      return parse(p);
    }
  }

  /** {@link #parse(String)} from the message's UTF-8 bytes (Jackson's byte parser: no String first). */
  static Frame parse(byte[] utf8, int offset, int length) throws IOException {
    try (JsonParser p = FACTORY.createParser(utf8, offset, length)) {
      return parse(p);
    }
  }

  private static Frame parse(JsonParser p) throws IOException {
    Frame f = new Frame();
    expect(p.nextToken(), JsonToken.START_OBJECT);
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      switch (name) {
        case "a" -> f.action = p.getText();
        case "v" -> f.version = t == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : -1;
        case "src" -> f.src = t == JsonToken.VALUE_STRING ? p.getText() : null;
        case "seq" -> f.seq = t == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : -1;
        case "id" -> f.id = t == JsonToken.VALUE_STRING ? p.getText() : null;
        case "op" -> {
          f.hasOp = true;
          f.lengthDelta = f.opDelta(p, t);
        }
        case "create" -> {
          f.hasOp = true;
          JsonNode create = JSON.readTree(p);
          f.lengthDelta = length(create.get("data"));
        }
        case "error" -> {
          JsonNode e = JSON.readTree(p);
          f.errorCode = e.path("code").asText("?");
          f.errorMessage = e.path("message").asText("");
        }
        case "data" -> f.data = JSON.readTree(p);
        default -> p.skipChildren();
      }
    }
    return f;
  }

  /** The length change of a rich-text op: an array of components, or {@code {"ops": [...]}}. */
  private long opDelta(JsonParser p, JsonToken t) throws IOException {
    if (t == JsonToken.START_OBJECT) {
      long delta = 0;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken inner = p.nextToken();
        if (name.equals("ops") && inner == JsonToken.START_ARRAY) {
          delta = components(p);
        } else {
          p.skipChildren();
        }
      }
      return delta;
    }
    expect(t, JsonToken.START_ARRAY);
    return components(p);
  }

  private long components(JsonParser p) throws IOException {
    long delta = 0;
    while (p.nextToken() == JsonToken.START_OBJECT) {
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        if (name.equals("insert")) {
          long n = t == JsonToken.VALUE_STRING ? p.getTextLength() : 1; // an embed counts 1
          p.skipChildren();
          delta += n;
          add(INSERT, n);
        } else if (name.equals("delete")) {
          long n = p.getLongValue();
          delta -= n;
          add(DELETE, n);
        } else if (name.equals("retain")) {
          add(RETAIN, t == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : 1);
          p.skipChildren();
        } else {
          p.skipChildren();
        }
      }
    }
    return delta;
  }

  private void add(long kind, long n) {
    if (2 * componentCount + 2 > components.length) {
      components = java.util.Arrays.copyOf(components, components.length * 2);
    }
    components[2 * componentCount] = kind;
    components[2 * componentCount + 1] = n;
    componentCount++;
  }

  /**
   * Where the character at {@code position} is after this op, or -1 if this op deletes it: the
   * transform of a one-character delete against a concurrent op (rich-text's transform: inserts at
   * or before the position push it right; a concurrent delete of the same character wins).
   */
  long transformPosition(long position) {
    long cursor = 0;
    long shift = 0;
    for (int i = 0; i < componentCount; i++) {
      long kind = components[2 * i];
      long n = components[2 * i + 1];
      if (kind == INSERT) {
        shift += n;
      } else if (position < cursor + n) {
        return kind == DELETE ? -1 : position + shift;
      } else {
        cursor += n;
        shift -= kind == DELETE ? n : 0;
      }
    }
    return position + shift;
  }

  /** The length of a document given as a Delta (an array of inserts, or {@code {"ops": [...]}}). */
  static long length(JsonNode delta) {
    if (delta == null || delta.isNull() || delta.isMissingNode()) {
      return 0;
    }
    JsonNode ops = delta.isArray() ? delta : delta.path("ops");
    long n = 0;
    for (JsonNode op : ops) {
      JsonNode insert = op.get("insert");
      if (insert != null) {
        n += insert.isTextual() ? insert.textValue().length() : 1;
      }
    }
    return n;
  }

  private static void expect(JsonToken got, JsonToken wanted) throws IOException {
    if (got != wanted) {
      throw new IOException("expected " + wanted + ", got " + got);
    }
  }
}
