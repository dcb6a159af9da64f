package dev.quire.server.collab;

import dev.quire.server.store.replica.ReadRouter;
import dev.quire.server.store.replica.ReplicaBehind;

/**
 * A document as it was, at a version or at a time, read from a replica when that gives exactly
 * what the primary would, else from the primary ({@link ReadRouter}). Blocking: call it off the
 * document's actor.
 *
 * <p>A version read is exact wherever it runs: the replica must hold that version (and the newest
 * one the reader has read). A time read asks a replica only if it holds an op after that time:
 * ops' timestamps never decrease within a document and a replica holds a prefix of its op log, so
 * every op at or before the time is then on it; a time at or after the replica's newest op may
 * have ops on the primary that the replica has not replayed, and goes to the primary.
 */
public final class HistoryReads {
  /**
   * What a read found: the document's head version where it was read (0: no such document) and,
   * when the asked version exists, the document at it (else null).
   */
  public record Answer(long head, History.State state) {}

  private final ReadRouter router;

  public HistoryReads(ReadRouter router) {
    this.router = router;
  }

  /** The document at {@code version}; no state when the version is past its head. */
  public Answer atVersion(String reader, String collection, String docId, long version) {
    Answer a = router.read(reader, "history", source -> {
      long head = source.head(collection, docId, version);
      if (head == 0 || version > head) {
        return new Answer(head, null);
      }
      return new Answer(head, new History(source.store()).at(collection, docId, version));
    });
    seen(reader, docId, a);
    return a;
  }

  /** The document as it was at {@code timestamp} (epoch milliseconds): after every op committed at or before it. */
  public Answer atTime(String reader, String collection, String docId, long timestamp) {
    Answer a = router.read(reader, "history", source -> {
      long head = source.head(collection, docId, 1); // first: the replica only grows after it
      long version = source.store().versionAt(collection, docId, timestamp);
      if (!source.primary() && version >= head) {
        throw new ReplicaBehind("no op after " + timestamp + " on the replica: the primary may have some at or before it");
      }
      return head == 0 ? new Answer(0, null) : new Answer(head, new History(source.store()).at(collection, docId, version));
    });
    seen(reader, docId, a);
    return a;
  }

  private void seen(String reader, String docId, Answer a) {
    if (a.state() != null) {
      router.sawVersion(reader, docId, a.state().version());
    }
  }
}
