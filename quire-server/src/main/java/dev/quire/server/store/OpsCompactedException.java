package dev.quire.server.store;

import java.util.List;

/**
 * A read of ops that starts below the document's oldest kept op: the ops before it were deleted
 * by the retention policy (their state lives on in the snapshot kept where they end). Not a
 * {@link StoreException}: retrying cannot help, and the protocol answers it with its own error
 * ({@code ERR_QUIRE_OPS_COMPACTED}) rather than as an outage.
 */
public final class OpsCompactedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final long oldestKept;

  public OpsCompactedException(String collection, String docId, long from, long oldestKept) {
    super("the ops of " + StoreArguments.name(collection, docId) + " before version " + oldestKept
        + " were compacted (asked from " + from + "); its history there is kept as snapshots only", null,
        false, false);
    this.oldestKept = oldestKept;
  }

  /** The version of the oldest op still stored. */
  public long oldestKept() {
    return oldestKept;
  }

  /** How a store finds the version of a document's oldest stored op (-1: it has none). */
  @FunctionalInterface
  public interface OldestKept<E extends Exception> {
    long read() throws E;
  }

  /**
   * Checks what a store read for {@code ops(from, to)}: the log is dense and compaction deletes
   * only from its start, so a read that does not start at {@code from} starts at the oldest
   * kept op; an empty read asks the store ({@code oldest}, only then: it is an extra query).
   *
   * @throws OpsCompactedException if ops at or after {@code from} were deleted
   */
  public static <E extends Exception> void checkRange(String collection, String docId, long from, long to,
      List<StoredOp> read, OldestKept<E> oldest) throws E {
    if (from >= to || (!read.isEmpty() && read.get(0).version() == from)) {
      return;
    }
    long first = read.isEmpty() ? oldest.read() : read.get(0).version();
    if (first > from) {
      throw new OpsCompactedException(collection, docId, from, first);
    }
  }
}
