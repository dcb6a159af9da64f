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
 */
public record SequencerSettings(OtLimits limits, int maxBatch, int maxSubmitRetries, int snapshotEvery, int recentOps) {
  public SequencerSettings {
    if (maxBatch < 1 || maxSubmitRetries < 0 || snapshotEvery < 1 || recentOps < 1) {
      throw new IllegalArgumentException("sequencer settings must be positive");
    }
  }
}
