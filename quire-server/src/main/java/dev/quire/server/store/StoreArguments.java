package dev.quire.server.store;

import java.util.List;
import java.util.Objects;

/**
 * The argument rules of {@link DocumentStore} that every implementation enforces the same way:
 * breaking them is a caller bug, so they fail loudly with {@link IllegalArgumentException} or
 * {@link NullPointerException}, never as a conflict or a store failure.
 */
public final class StoreArguments {
  private StoreArguments() {}

  /** {@code collection/docId}, as stores name a document in messages. */
  public static String name(String collection, String docId) {
    return collection + "/" + docId;
  }

  public static void checkDoc(String collection, String docId) {
    Objects.requireNonNull(collection, "collection");
    Objects.requireNonNull(docId, "docId");
  }

  /** For {@link DocumentStore#ops}: {@code 0 <= from <= to}. */
  public static void checkRange(String collection, String docId, long from, long to) {
    checkDoc(collection, docId);
    if (from < 0 || to < from) {
      throw new IllegalArgumentException("need 0 <= from <= to, got from " + from + ", to " + to);
    }
  }

  /** For {@link DocumentStore#compact}: a positive cut at a positive interval's boundary. */
  public static void checkCompaction(String collection, String docId, long below, long keepEvery) {
    checkDoc(collection, docId);
    if (keepEvery < 1 || below < 1 || below % keepEvery != 0) {
      throw new IllegalArgumentException("need a cut that is a positive multiple of keepEvery >= 1, got "
          + below + " and " + keepEvery);
    }
  }

  /** For {@link DocumentStore#commit}: a non-empty run of consecutive versions of this document. */
  public static void checkBatch(String collection, String docId, List<StoredOp> ops) {
    checkDoc(collection, docId);
    Objects.requireNonNull(ops, "ops");
    if (ops.isEmpty()) {
      throw new IllegalArgumentException("nothing to commit to " + name(collection, docId));
    }
    long first = ops.get(0).version();
    for (int i = 0; i < ops.size(); i++) {
      StoredOp op = ops.get(i);
      if (!op.collection().equals(collection) || !op.docId().equals(docId)) {
        throw new IllegalArgumentException("op " + i + " is for "
            + name(op.collection(), op.docId()) + ", not " + name(collection, docId));
      }
      if (op.version() != first + i) {
        throw new IllegalArgumentException("op versions must be consecutive: op " + i
            + " has version " + op.version() + ", expected " + (first + i));
      }
    }
  }
}
