package dev.quire.server.collab;

import dev.quire.ot.OtLimits;

/**
 * How documents are sequenced.
 *
 * @param limits op and document size limits
 * @param maxBatch most ops committed in one transaction (group commit)
 * @param maxSubmitRetries how often one op may be retried after losing a commit race
 * @param snapshotEvery write a snapshot after this many ops, or more in a long document (see
 *     {@link #snapshotInterval(long)})
 * @param recentOps committed ops kept in memory per open document (catch-up and transforms)
 * @param busWaitMillis how long a document that is behind (a gap in the ops from the bus, or a
 *     lost commit race) waits for the bus to bring the missing ops before it reads the store
 * @param forwardCommits hand submissions to the server that is committing their document, when
 *     another server is (see {@link CommitForwarding}); off only to measure what it saves
 */
public record SequencerSettings(OtLimits limits, int maxBatch, int maxSubmitRetries, int snapshotEvery, int recentOps,
    long busWaitMillis, boolean forwardCommits, long sendLingerMillis) {
  /** The bus wait used unless set: a few times Redis' delivery time on a busy machine. */
  public static final long DEFAULT_BUS_WAIT_MILLIS = 25;

  public SequencerSettings {
    if (maxBatch < 1 || maxSubmitRetries < 0 || snapshotEvery < 1 || recentOps < 1 || busWaitMillis < 0
        || sendLingerMillis < 0) {
      throw new IllegalArgumentException("sequencer settings must be positive");
    }
  }

  public SequencerSettings(OtLimits limits, int maxBatch, int maxSubmitRetries, int snapshotEvery, int recentOps) {
    this(limits, maxBatch, maxSubmitRetries, snapshotEvery, recentOps, DEFAULT_BUS_WAIT_MILLIS, true, 0);
  }

  /** Characters of document per op between snapshots, once that is more than {@code snapshotEvery}. */
  public static final int SNAPSHOT_CHARS_PER_OP = 1024;

  /** Ops between snapshots of a document {@code length} long: {@link #snapshotInterval(int, long)}. */
  public long snapshotInterval(long length) {
    return snapshotInterval(snapshotEvery, length);
  }

  /**
   * Ops between snapshots of a document {@code length} long: {@code snapshotEvery}, or one op per
   * {@value #SNAPSHOT_CHARS_PER_OP} characters if that is more.
   *
   * <p>Why: a snapshot costs a pass over the whole text and a store write of it (off the actor
   * since the tree is frozen for it, but the CPU is the same machine's), so at a fixed interval its
   * share of every op's cost grows with the document. In the
   * capacity soak (one document typed to over a million characters by 245 authors), snapshots
   * every 100 ops went from 0.5 % of the server's CPU samples in the first minute to 4.5 % in the
   * sixth, growing on with the text, and the delivery latency crept up with them. Tied to the
   * length past 102,400 characters (by default), a snapshot's cost spread over the ops since the
   * last one stays at about 1,024 characters' worth per op — what a 100 KB document pays at 100
   * ops — whatever the length, and a document opens with at most about length / 1,024 ops to
   * replay after its snapshot (1,269 for 1.3 million characters). Shorter documents, most of them,
   * are not affected; a smaller ratio (256 was tried) made a cold open of the 100 KB
   * automerge-paper document replay 297 ops instead of 79, a third slower.
   */
  public static long snapshotInterval(int snapshotEvery, long length) {
    return Math.max(snapshotEvery, length / SNAPSHOT_CHARS_PER_OP);
  }
}
