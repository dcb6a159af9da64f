package dev.quire.ot;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * One component of a Delta: an insert (of text or of one embed object), a retain or a delete,
 * with optional attributes (never on a delete). Immutable.
 *
 * <p>Lengths are {@code long} so that sums of valid lengths never overflow; a text insert's length
 * is its count of UTF-16 code units, as JavaScript's {@code String.length}; an embed counts 1.
 * {@link #INFINITY} is the iterator's "past the end" retain and never appears in a stored op.
 */
public final class Op {
  /** JavaScript's {@code Infinity} in quill-delta's iterator. */
  public static final long INFINITY = Long.MAX_VALUE;

  /** The largest length a component may have: JavaScript's {@code Number.MAX_SAFE_INTEGER}. */
  public static final long MAX_LENGTH = (1L << 53) - 1;

  public enum Type {
    INSERT,
    RETAIN,
    DELETE
  }

  private final Type type;
  private final long length;
  private final String text;
  private final ObjectNode embed;
  private final AttributeMap attributes;

  private Op(Type type, long length, String text, ObjectNode embed, AttributeMap attributes) {
    this.type = type;
    this.length = length;
    this.text = text;
    this.embed = embed;
    this.attributes = attributes;
  }

  /** A text insert; {@code attributes} may be null (none), empty or hold values. */
  public static Op insert(String text, AttributeMap attributes) {
    return new Op(Type.INSERT, text.length(), Objects.requireNonNull(text), null, attributes);
  }

  /** An embed insert (an image, a formula...): one JSON object that counts as length 1. */
  public static Op insertEmbed(ObjectNode embed, AttributeMap attributes) {
    return new Op(Type.INSERT, 1, null, Objects.requireNonNull(embed), attributes);
  }

  public static Op retain(long length, AttributeMap attributes) {
    return new Op(Type.RETAIN, length, null, null, attributes);
  }

  public static Op delete(long length) {
    return new Op(Type.DELETE, length, null, null, null);
  }

  public Type type() {
    return type;
  }

  public boolean isInsert() {
    return type == Type.INSERT;
  }

  public boolean isTextInsert() {
    return text != null;
  }

  public boolean isEmbed() {
    return embed != null;
  }

  public boolean isRetain() {
    return type == Type.RETAIN;
  }

  public boolean isDelete() {
    return type == Type.DELETE;
  }

  /** quill-delta {@code Op.length}. */
  public long length() {
    return length;
  }

  /** The inserted text, or null when this is not a text insert. */
  public String text() {
    return text;
  }

  /** The embed object, or null when this is not an embed insert. Callers must not modify it. */
  public ObjectNode embed() {
    return embed;
  }

  /** The attributes, or null for none (JavaScript {@code undefined}). */
  public AttributeMap attributes() {
    return attributes;
  }

  /** The same op with other attributes. */
  public Op withAttributes(AttributeMap attrs) {
    return new Op(type, length, text, embed, attrs);
  }

  /** lodash {@code isEqual} of the two ops' JSON forms. */
  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Op)) {
      return false;
    }
    Op other = (Op) o;
    return type == other.type
        && length == other.length
        && Objects.equals(text, other.text)
        && (embed == null ? other.embed == null : JsonValues.deepEquals(embed, other.embed))
        && AttributeMap.equal(attributes, other.attributes);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, length, text, embed == null ? 0 : JsonValues.deepHash(embed), attributes);
  }

  @Override
  public String toString() {
    String body;
    if (type == Type.INSERT) {
      body = "insert=" + (text != null ? '"' + text + '"' : embed.toString());
    } else {
      body = type.name().toLowerCase(java.util.Locale.ROOT) + "=" + length;
    }
    return "{" + body + (attributes != null ? ", attributes=" + attributes : "") + "}";
  }
}
