package dev.quire.server.store;

import java.util.Objects;

/**
 * One committed op, as the store keeps it.
 *
 * @param collection the collection ({@code docs})
 * @param docId the document id
 * @param version the document version the op applies to (ShareDB's {@code op.v}); after it the
 *     document is at {@code version + 1}. Dense per document: 0, 1, 2, …
 * @param src the submitting connection's id
 * @param seq the submitter's sequence number; {@code (src, seq)} is unique per document
 * @param kind create, edit or delete
 * @param type for a create, the OT type's URI; otherwise null
 * @param body JSON text: the edit's op or the create's data (a JSON array); null for a delete.
 *     Written by Quire's JSON writer, so lone UTF-16 surrogates are {@code \\udXXX} escapes and
 *     the text is valid Unicode that any store keeps exactly.
 * @param timestamp server time of the commit, epoch milliseconds; never decreases within a
 *     document
 */
public record StoredOp(
    String collection,
    String docId,
    long version,
    String src,
    long seq,
    Kind kind,
    String type,
    String body,
    long timestamp) {

  /** What an op does to its document. */
  public enum Kind {
    CREATE,
    EDIT,
    DELETE
  }

  public StoredOp {
    Objects.requireNonNull(collection, "collection");
    Objects.requireNonNull(docId, "docId");
    Objects.requireNonNull(src, "src");
    Objects.requireNonNull(kind, "kind");
    if (version < 0) {
      throw new IllegalArgumentException("version must be >= 0, got " + version);
    }
    if ((kind == Kind.DELETE) != (body == null)) {
      throw new IllegalArgumentException("a delete has no body and every other op has one");
    }
    if ((kind == Kind.CREATE) != (type != null)) {
      throw new IllegalArgumentException("a create, and only a create, names a type");
    }
  }
}
