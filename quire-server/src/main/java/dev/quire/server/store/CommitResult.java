package dev.quire.server.store;

/** The outcome of a {@link DocumentStore#commit}: a policy answer, not a boolean. */
public enum CommitResult {
  /** The ops are durably stored; the document's head moved past them. */
  COMMITTED,
  /**
   * Another commit got there first: the head version was not the one the ops expected (or one of
   * the ops' {@code (src, seq)} is already stored). Nothing was written; re-read, transform, retry.
   */
  CONFLICT
}
