package dev.quire.server.collab;

import dev.quire.ot.OtLimits;

/**
 * How documents are sequenced.
 *
 * @param limits op and document size limits
 * @param maxBatch most ops committed in one transaction (group commit)
 * @param maxSubmitRetries how often one op may be retried after losing a commit race
 * @param snapshotEvery write a snapshot after this many ops
 * @param recentOps committed ops kept in memory per open document (catch-up and transforms)
 * @param busWaitMillis how long a document that is behind (a gap in the ops from the bus, or a
 *     lost commit race) waits for the bus to bring the missing ops before it reads the store
 * @param forwardCommits hand submissions to the server that is committing their document, when
 *     another server is (see {@link CommitForwarding}); off only to measure what it saves
 */
public record SequencerSettings(OtLimits limits, int maxBatch, int maxSubmitRetries, int snapshotEvery, int recentOps,
    long busWaitMillis, boolean forwardCommits) {
  /** The bus wait used unless set: a few times Redis' delivery time on a busy machine. */
  public static final long DEFAULT_BUS_WAIT_MILLIS = 25;

  public SequencerSettings {
    if (maxBatch < 1 || maxSubmitRetries < 0 || snapshotEvery < 1 || recentOps < 1 || busWaitMillis < 0) {
      throw new IllegalArgumentException("sequencer settings must be positive");
    }
  }

  public SequencerSettings(OtLimits limits, int maxBatch, int maxSubmitRetries, int snapshotEvery, int recentOps) {
    this(limits, maxBatch, maxSubmitRetries, snapshotEvery, recentOps, DEFAULT_BUS_WAIT_MILLIS, true);
  }
}
