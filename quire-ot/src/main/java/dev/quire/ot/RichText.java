package dev.quire.ot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The ShareDB OT type {@code rich-text} (npm {@code rich-text@4.1.0}, {@code lib/type.js}) over
 * {@link Delta}. Unlike the reference, {@link #apply} refuses an op that does not fit the
 * document (sharedb-protocol.md §7) instead of producing a corrupt one; on every valid input the
 * results are the reference's.
 */
public final class RichText {
  public static final String NAME = "rich-text";
  public static final String URI = "http://sharejs.org/types/rich-text/v1";

  /** Which op ShareDB considers to have happened first in {@link #transform}. */
  public enum Side {
    /** The other op was committed first and wins ties (the server transforms with this). */
    LEFT,
    RIGHT
  }

  private RichText() {}

  /** True for the type's name or URI, the two ways a client may name it in a create. */
  public static boolean isType(String nameOrUri) {
    return NAME.equals(nameOrUri) || URI.equals(nameOrUri);
  }

  /** A new document from create data, as given (not normalised). It may hold only inserts. */
  public static Delta create(Delta data) throws OtException {
    for (int i = 0; i < data.size(); i++) {
      if (!data.get(i).isInsert()) {
        throw OtException.badlyFormed(
            "op[" + i + "]: a document holds only inserts, got a " + data.get(i).type().name().toLowerCase(java.util.Locale.ROOT));
      }
    }
    return new Delta(data.ops());
  }

  /**
   * Checks that {@code op} can be applied to a document of length {@code docLength} within
   * {@code limits}: no retain or delete reaches past the end, and the result is not too long.
   */
  public static void checkApplicable(long docLength, Delta op, OtLimits limits) throws OtException {
    long position = 0;
    for (int i = 0; i < op.size(); i++) {
      Op c = op.get(i);
      if (c.isInsert()) {
        continue;
      }
      position += c.length();
      if (position > docLength) {
        throw OtException.badlyFormed(
            "op[" + i + "]: " + c.type().name().toLowerCase(java.util.Locale.ROOT) + " " + c.length()
                + " reaches past the end of the document: it ends at " + position
                + " but the document has length " + docLength);
      }
    }
    limits.checkDocLength(docLength + op.changeLength());
  }

  /** The document after {@code op}; the inputs are untouched, and nothing happens on an error. */
  public static Delta apply(Delta doc, Delta op, OtLimits limits) throws OtException {
    if (!doc.isDocument()) {
      create(doc); // throws, naming the first non-insert
    }
    checkApplicable(doc.length(), op, limits);
    return doc.compose(op);
  }

  public static Delta compose(Delta a, Delta b) {
    return a.compose(b);
  }

  /** ShareDB's {@code transform(a, b, side)}: {@code a} rewritten to apply after {@code b}. */
  public static Delta transform(Delta a, Delta b, Side side) {
    return b.transform(a, side == Side.LEFT);
  }

  public static long transformCursor(long cursor, Delta op, boolean ownOp) {
    return op.transformPosition(cursor, !ownOp);
  }

  /**
   * Moves a presence range {@code {index, length, ...}} over {@code op}; other keys of the range
   * are kept. A null range stays null.
   *
   * @throws IllegalArgumentException when the range's index or length is not a non-negative integer
   */
  public static ObjectNode transformPresence(ObjectNode range, Delta op, boolean ownOp) {
    if (range == null) {
      return null;
    }
    long index = nonNegativeInteger(range, "index");
    long length = nonNegativeInteger(range, "length");
    long start = transformCursor(index, op, ownOp);
    long end = transformCursor(index + length, op, ownOp);
    ObjectNode out = range.deepCopy();
    out.set("index", JsonNodeFactory.instance.numberNode(start));
    out.set("length", JsonNodeFactory.instance.numberNode(end - start));
    return out;
  }

  private static long nonNegativeInteger(ObjectNode range, String key) {
    JsonNode n = range.get(key);
    if (n == null || !n.isNumber() || n.doubleValue() != Math.rint(n.doubleValue())
        || n.doubleValue() < 0 || n.doubleValue() > Op.MAX_LENGTH) {
      throw new IllegalArgumentException(
          "range." + key + " must be a non-negative integer, got " + (n == null ? "nothing" : n.toString()));
    }
    return n.longValue();
  }
}
