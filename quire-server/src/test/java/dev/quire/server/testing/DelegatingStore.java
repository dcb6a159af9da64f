package dev.quire.server.testing;

import dev.quire.server.store.CommitResult;
import dev.quire.server.store.DocumentStore;
import dev.quire.server.store.StoredOp;
import dev.quire.server.store.StoredSnapshot;
import java.util.List;
import java.util.Optional;

/**
 * A store that passes every call to a real one, for tests that change one behaviour (a failing or
 * a held commit) by overriding one method. Closing it leaves the real store open.
 */
public class DelegatingStore implements DocumentStore {
  protected final DocumentStore real;

  public DelegatingStore(DocumentStore real) {
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
  public boolean isHealthy() {
    return real.isHealthy();
  }

  @Override
  public void close() {}
}
