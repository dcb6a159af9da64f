package dev.quire.server.store;

import java.util.Objects;

/**
 * A document's state at a version, as the store keeps it. Snapshots are a cache for fast
 * loading: they may lag the op log, which is the truth.
 *
 * @param collection the collection
 * @param docId the document id
 * @param version the number of ops applied to reach this state
 * @param type the OT type's URI, or null when the document does not exist (never created, or
 *     deleted)
 * @param data JSON text of the document (a JSON array of Delta ops), or null when {@code type} is
 *     null
 * @param timestamp server time of the last op included, epoch milliseconds (0 at version 0)
 */
public record StoredSnapshot(
    String collection, String docId, long version, String type, String data, long timestamp) {

  public StoredSnapshot {
    Objects.requireNonNull(collection, "collection");
    Objects.requireNonNull(docId, "docId");
    if (version < 0) {
      throw new IllegalArgumentException("version must be >= 0, got " + version);
    }
    if ((type == null) != (data == null)) {
      throw new IllegalArgumentException("a snapshot has both a type and data, or neither");
    }
  }
}
