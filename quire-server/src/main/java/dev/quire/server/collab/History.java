package dev.quire.server.collab;

import dev.quire.ot.Delta;
import dev.quire.ot.OtException;
import dev.quire.ot.OtLimits;
import dev.quire.ot.RichText;
import dev.quire.ot.doc.RichDocument;
import dev.quire.ot.json.DeltaJson;
import dev.quire.server.store.DocumentStore;
import dev.quire.server.store.OpsCompactedException;
import dev.quire.server.store.StoreException;
import dev.quire.server.store.StoredOp;
import dev.quire.server.store.StoredSnapshot;
import java.util.List;
import java.util.Optional;

/**
 * A document as it was at a past version: the newest stored snapshot at or before it, plus the
 * ops between. Reads only the store (blocking), so it runs off the document's actor.
 *
 * <p>Where the retention policy deleted ops, only the snapshots kept every {@code
 * snapshot-interval} versions remain: a version between two of them is served as the nearest
 * kept snapshot at or before it, and the answer says which version that is ({@link
 * State#version}). Serving it beats refusing: the history stays browsable at the kept versions,
 * and a client never takes the older state for the one it asked for, since the version comes
 * with it.
 */
public final class History {
  private final DocumentStore store;

  public History(DocumentStore store) {
    this.store = store;
  }

  /**
   * The document's state at {@code version}: {@code (type, data)}; type null when it did not
   * exist. {@code timestamp} is the time of the last op included (0 at version 0).
   */
  public record State(long version, String type, Delta data, long timestamp) {}

  /**
   * The state at {@code version}, or at the nearest kept snapshot before it when the ops between
   * were compacted (then {@link State#version} is that snapshot's version).
   */
  public State at(String collection, String docId, long version) {
    Optional<StoredSnapshot> snap = store.snapshotAtOrBefore(collection, docId, version);
    long v = 0;
    long timestamp = 0;
    String type = null;
    RichDocument doc = null;
    try {
      if (snap.isPresent()) {
        v = snap.get().version();
        timestamp = snap.get().timestamp();
        type = snap.get().type();
        if (type != null) {
          doc = RichDocument.of(DeltaJson.parse(snap.get().data(), OtLimits.NONE), OtLimits.NONE);
        }
      }
      List<StoredOp> ops;
      try {
        ops = store.ops(collection, docId, v, version);
      } catch (OpsCompactedException compacted) {
        ops = List.of(); // between kept snapshots: served as the one at v (see the class comment)
        version = v;
      }
      for (StoredOp op : ops) {
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
        timestamp = op.timestamp();
      }
    } catch (OtException e) {
      throw new StoreException("history of " + docId + " is unreadable: " + e.getMessage(), e);
    }
    if (v != version) {
      throw new StoreException("ops of " + docId + " are missing below version " + version, null);
    }
    return new State(version, type, doc == null ? null : doc.toDelta(), timestamp);
  }
}
