package dev.quire.server.store;

import java.util.List;
import java.util.Optional;

/**
 * A store that passes every call to another, for stores that change one behaviour by overriding
 * one method (the read replicas' opens; tests' failing or held commits). {@link #commitAsync} is
 * not forwarded: it stays the SPI's default, which runs {@link #commit}, so overriding {@code
 * commit} changes both; a subclass that wants the other store's own asynchronous commit forwards
 * it itself. Closing it leaves the other store open.
 */
public class ForwardingStore implements DocumentStore {
  protected final DocumentStore real;

  public ForwardingStore(DocumentStore real) {
    this.real = real;
  }

  @Override
  public CommitResult commit(String collection, String docId, List<StoredOp> ops) {
    return real.commit(collection, docId, ops);
  }

  @Override
  public long headVersion(String collection, String docId) {
    return real.headVersion(collection, docId);
  }

  @Override
  public List<StoredOp> ops(String collection, String docId, long from, long to) {
    return real.ops(collection, docId, from, to);
  }

  @Override
  public Optional<StoredOp> findBySource(String collection, String docId, String src, long seq) {
    return real.findBySource(collection, docId, src, seq);
  }

  @Override
  public long versionAt(String collection, String docId, long timestamp) {
    return real.versionAt(collection, docId, timestamp);
  }

  @Override
  public void writeSnapshot(StoredSnapshot snapshot) {
    real.writeSnapshot(snapshot);
  }

  @Override
  public Optional<StoredSnapshot> snapshotAtOrBefore(String collection, String docId, long atMost) {
    return real.snapshotAtOrBefore(collection, docId, atMost);
  }

  @Override
  public List<DocumentKey> compactionCandidates(long olderThan, int interval) {
    return real.compactionCandidates(olderThan, interval);
  }

  @Override
  public long compact(String collection, String docId, long below, long keepEvery) {
    return real.compact(collection, docId, below, keepEvery);
  }

  @Override
  public boolean isHealthy() {
    return real.isHealthy();
  }

  @Override
  public void close() {}
}
