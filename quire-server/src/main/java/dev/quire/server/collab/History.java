package dev.quire.server.collab;

import dev.quire.ot.Delta;
import dev.quire.ot.OtException;
import dev.quire.ot.OtLimits;
import dev.quire.ot.RichText;
import dev.quire.ot.doc.RichDocument;
import dev.quire.ot.json.DeltaJson;
import dev.quire.server.store.DocumentStore;
import dev.quire.server.store.StoreException;
import dev.quire.server.store.StoredOp;
import dev.quire.server.store.StoredSnapshot;
import java.util.Optional;

/**
 * A document as it was at a past version: the newest stored snapshot at or before it, plus the
 * ops between. Reads only the store (blocking), so it runs off the document's actor.
 */
public final class History {
  private final DocumentStore store;

  public History(DocumentStore store) {
    this.store = store;
  }

  /** The document's state at {@code version}: {@code (type, data)}; type null when it did not exist. */
  public record State(long version, String type, Delta data) {}

  public State at(String collection, String docId, long version) {
    Optional<StoredSnapshot> snap = store.snapshotAtOrBefore(collection, docId, version);
    long v = 0;
    String type = null;
    RichDocument doc = null;
    try {
      if (snap.isPresent()) {
        v = snap.get().version();
        type = snap.get().type();
        if (type != null) {
          doc = RichDocument.of(DeltaJson.parse(snap.get().data(), OtLimits.NONE), OtLimits.NONE);
        }
      }
      for (StoredOp op : store.ops(collection, docId, v, version)) {
        switch (op.kind()) {
          case CREATE:
            type = RichText.URI;
            doc = RichDocument.of(DeltaJson.parse(op.body(), OtLimits.NONE), OtLimits.NONE);
            break;
          case EDIT:
            doc.apply(DeltaJson.parse(op.body(), OtLimits.NONE), OtLimits.NONE);
            break;
          default:
            type = null;
            doc = null;
        }
        v++;
      }
    } catch (OtException e) {
      throw new StoreException("history of " + docId + " is unreadable: " + e.getMessage(), e);
    }
    if (v != version) {
      throw new StoreException("ops of " + docId + " are missing below version " + version, null);
    }
    return new State(version, type, doc == null ? null : doc.toDelta());
  }
}
