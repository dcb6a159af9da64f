package dev.quire.ot;

/**
 * Bounds on what one op and one document may hold. Each has its own error code, so a client (or
 * a person reading logs) knows which one was hit.
 *
 * @param maxOpComponents most components (inserts, retains, deletes) in one op
 * @param maxOpBytes most bytes of UTF-8 JSON text in one op
 * @param maxDocLength most length (UTF-16 code units, an embed counting 1) of a document
 */
public record OtLimits(int maxOpComponents, int maxOpBytes, long maxDocLength) {
  /**
   * Generous for people (a pasted 400-page book is about 1 M characters) and small enough that one
   * op or document cannot exhaust a server's memory.
   */
  public static final OtLimits DEFAULT = new OtLimits(100_000, 8 * 1024 * 1024, 10_000_000);

  /** No limits beyond the representable; for tools and tests that replay trusted data. */
  public static final OtLimits NONE = new OtLimits(Integer.MAX_VALUE, Integer.MAX_VALUE, Op.MAX_LENGTH);

  public OtLimits {
    if (maxOpComponents < 1) {
      throw new IllegalArgumentException("maxOpComponents must be at least 1, got " + maxOpComponents);
    }
    if (maxOpBytes < 2) {
      throw new IllegalArgumentException("maxOpBytes must be at least 2 (the JSON text []), got " + maxOpBytes);
    }
    if (maxDocLength < 1 || maxDocLength > Op.MAX_LENGTH) {
      throw new IllegalArgumentException(
          "maxDocLength must be between 1 and " + Op.MAX_LENGTH + ", got " + maxDocLength);
    }
  }

  /** Checks an op's component count. */
  public void checkComponents(int components) throws OtException {
    if (components > maxOpComponents) {
      throw new OtException(
          OtError.OP_TOO_MANY_COMPONENTS,
          "the op has " + components + " components; the limit is " + maxOpComponents);
    }
  }

  /** Checks an op's JSON size in bytes. */
  public void checkBytes(long bytes) throws OtException {
    if (bytes > maxOpBytes) {
      throw new OtException(
          OtError.OP_TOO_LARGE, "the op is " + bytes + " bytes of JSON; the limit is " + maxOpBytes);
    }
  }

  /** Checks the length a document would have. */
  public void checkDocLength(long length) throws OtException {
    if (length > maxDocLength) {
      throw new OtException(
          OtError.DOC_TOO_LARGE,
          "the document would have length " + length + "; the limit is " + maxDocLength);
    }
  }
}
