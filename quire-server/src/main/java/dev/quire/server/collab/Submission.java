package dev.quire.server.collab;

import dev.quire.ot.Delta;
import dev.quire.server.store.StoredOp;

/**
 * One op submitted by a client, on its way through transform → validate → commit → publish.
 *
 * @param from who submitted it (receives catch-up ops, then the ack)
 * @param src the op's source id (the request's {@code src}, or the connection's)
 * @param seq the submitter's sequence number
 * @param version the version the client based it on; null for a create on a never-fetched doc
 * @param kind create, edit or delete
 * @param op the edit, or the create's data; null for a delete
 * @param reply how the outcome reaches the client
 */
public record Submission(
    Subscriber from, String src, long seq, Long version, StoredOp.Kind kind, Delta op, Reply reply) {

  /** Called on the document's thread, after any catch-up ops were sent to {@code from}. */
  public interface Reply {
    void acked(long version);

    void rejected(String code, String message);

    /**
     * The store failed, so the op's fate is unknown (the commit may have reached the disk). Not
     * a refusal: a refused op is rolled back by the client, losing the person's typing. The
     * connection is closed instead (1013, try again later), so the client keeps the op, reconnects
     * and resends it with the same {@code (src, seq)}, which is then committed or deduplicated.
     */
    void unavailable();
  }
}
