package dev.quire.bench;

import dev.quire.ot.Delta;
import dev.quire.ot.OtException;
import dev.quire.ot.OtLimits;
import dev.quire.ot.RichText;
import dev.quire.ot.doc.RichDocument;
import dev.quire.ot.json.DeltaJson;
import dev.quire.server.collab.SequencerSettings;
import dev.quire.server.store.CommitResult;
import dev.quire.server.store.StoredOp;
import dev.quire.server.store.StoredSnapshot;
import dev.quire.server.store.sqlite.SqliteStore;
import dev.quire.trace.EditingTrace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the data folder of the cold-open benchmark (docs/BENCHMARKS.md): document {@code
 * docs/paper} whose history is the automerge-paper trace, written through {@link SqliteStore} as
 * the server would have written it: a create (the trace's empty start text) at version 0, then
 * each of the trace's ops as one committed op, and the snapshot the server would hold at the end.
 *
 * <p>The server snapshots every {@code snapshot-every} (100) ops, or every length / 1,024 ops once
 * the document is longer than 102,400 characters ({@link SequencerSettings#snapshotInterval}), so
 * its newest snapshot is where that rule, applied after each op, last fell, and the ops after it
 * are replayed on open; only that newest snapshot is written (the older ones are never read on
 * open, and hundreds of 100 KB rows would only make the build slow). Ops are committed in large
 * batches: the batching changes nothing in the stored rows.
 *
 * <p>Usage: {@code java -cp quire-bench/target/benchmarks.jar dev.quire.bench.BuildPaperStore
 * DATA_DIR [TRACE]}; prints {@code built docs/paper v=N length=L snapshot=S}.
 */
public final class BuildPaperStore {
  static final String COLLECTION = "docs";
  static final String DOC = "paper";
  static final String SRC = "paper-author";
  static final int SNAPSHOT_EVERY = 100;
  static final int BATCH = 10_000;
  // One op every 100 ms from a fixed start, so timestamps never decrease and runs are identical.
  static final long START_MILLIS = Instant.parse("2026-11-01T00:00:00Z").toEpochMilli();

  private BuildPaperStore() {}

  public static void main(String[] args) throws IOException, OtException {
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: BuildPaperStore DATA_DIR [TRACE]");
      System.exit(2);
    }
    Path dataDir = Path.of(args[0]);
    Path tracePath = Path.of(args.length > 1 ? args[1] : "traces/automerge-paper.json.gz");
    EditingTrace trace = EditingTrace.read(tracePath);
    List<String> ops = trace.toJsonOps();
    if (Files.exists(dataDir.resolve(SqliteStore.FILE_NAME))) {
      throw new IOException(dataDir + " already holds a store; give an empty folder");
    }

    Delta start = DeltaJson.parse(startJson(trace.startContent()), OtLimits.NONE);
    RichDocument doc = RichDocument.of(start, OtLimits.NONE);
    long lastVersion = ops.size(); // versions 0 (create) .. ops.size(): the head is ops.size() + 1
    long snapshotAt = 0; // the head of the last snapshot the server would have written
    StoredSnapshot snapshot = null;

    try (SqliteStore store = SqliteStore.open(dataDir)) {
      List<StoredOp> batch = new ArrayList<>(BATCH);
      batch.add(new StoredOp(COLLECTION, DOC, 0, SRC, 1, StoredOp.Kind.CREATE, RichText.URI,
          DeltaJson.write(start), START_MILLIS));
      for (int i = 0; i < ops.size(); i++) {
        long version = i + 1;
        Delta op = DeltaJson.parse(ops.get(i), OtLimits.NONE);
        doc.apply(op, OtLimits.NONE);
        // Written back by Quire's writer, as the sequencer stores a committed op.
        batch.add(new StoredOp(COLLECTION, DOC, version, SRC, version + 1, StoredOp.Kind.EDIT, null,
            DeltaJson.write(op), START_MILLIS + version * 100));
        long head = version + 1;
        if (head - snapshotAt >= SequencerSettings.snapshotInterval(SNAPSHOT_EVERY, doc.length())) {
          snapshotAt = head;
          snapshot = new StoredSnapshot(COLLECTION, DOC, snapshotAt, RichText.URI,
              DeltaJson.write(doc.toDelta()), START_MILLIS + version * 100);
        }
        if (batch.size() == BATCH) {
          commit(store, batch);
        }
      }
      if (!batch.isEmpty()) {
        commit(store, batch);
      }
      if (snapshot != null) {
        store.writeSnapshot(snapshot);
      }
    }
    if (!doc.text().equals(trace.endContent())) {
      throw new IllegalStateException("the replayed trace does not give its endContent");
    }
    System.out.println("built docs/" + DOC + " v=" + (lastVersion + 1) + " length=" + doc.length()
        + " snapshot=" + (snapshot == null ? "none" : snapshot.version()));
  }

  private static String startJson(String text) {
    StringBuilder sb = new StringBuilder("[");
    if (!text.isEmpty()) {
      sb.append("{\"insert\":");
      dev.quire.ot.json.JsonText.string(sb, text);
      sb.append('}');
    }
    return sb.append(']').toString();
  }

  private static void commit(SqliteStore store, List<StoredOp> batch) {
    CommitResult r = store.commit(COLLECTION, DOC, batch);
    if (r != CommitResult.COMMITTED) {
      throw new IllegalStateException("commit at version " + batch.get(0).version() + ": " + r);
    }
    batch.clear();
  }
}
