package dev.quire.ot.doc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.ot.AttributeMap;
import dev.quire.ot.Delta;
import dev.quire.ot.Op;
import dev.quire.ot.OtError;
import dev.quire.ot.OtException;
import dev.quire.ot.OtLimits;
import dev.quire.ot.RichText;
import dev.quire.ot.json.DeltaJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RichDocumentTest {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private static Delta d(String json) throws OtException {
    return DeltaJson.parse(json, OtLimits.NONE);
  }

  /** The reference's result, merged the way quill-delta's push would on a fresh Delta. */
  private static Delta canonical(Delta delta) {
    Delta out = new Delta();
    for (Op op : delta.ops()) {
      out.push(op);
    }
    return out;
  }

  @Test
  void typingIntoAnEmptyDocumentBuildsTheText() throws OtException {
    RichDocument doc = new RichDocument(8, 4);
    doc.apply(d("[{\"insert\":\"Hello\"}]"), OtLimits.DEFAULT);
    doc.apply(d("[{\"retain\":5},{\"insert\":\" world\",\"attributes\":{\"bold\":true}}]"), OtLimits.DEFAULT);
    doc.checkInvariants();
    assertEquals(
        d("[{\"insert\":\"Hello\"},{\"insert\":\" world\",\"attributes\":{\"bold\":true}}]"), doc.toDelta());
    assertEquals("Hello world", doc.text());
  }

  @Test
  void aRetainPastTheEndIsRefusedAndChangesNothing() throws OtException {
    RichDocument doc = RichDocument.of(d("[{\"insert\":\"ac\\n\"}]"), OtLimits.DEFAULT);
    OtException e = assertThrows(OtException.class,
        () -> doc.apply(d("[{\"retain\":100},{\"insert\":\"z\"}]"), OtLimits.DEFAULT));
    assertEquals(OtError.OP_BADLY_FORMED, e.error());
    assertEquals(d("[{\"insert\":\"ac\\n\"}]"), doc.toDelta());
  }

  @Test
  void aDeletePastTheEndIsRefusedAndChangesNothing() throws OtException {
    RichDocument doc = RichDocument.of(d("[{\"insert\":\"abc\"}]"), OtLimits.DEFAULT);
    assertThrows(OtException.class, () -> doc.apply(d("[{\"retain\":2},{\"delete\":2}]"), OtLimits.DEFAULT));
    assertEquals("abc", doc.text());
  }

  @Test
  void aDocumentOverTheLimitIsRefusedWithItsOwnCode() throws OtException {
    OtLimits small = new OtLimits(10, 1000, 5);
    RichDocument doc = RichDocument.of(d("[{\"insert\":\"abcd\"}]"), small);
    OtException e = assertThrows(OtException.class, () -> doc.apply(d("[{\"insert\":\"xy\"}]"), small));
    assertEquals(OtError.DOC_TOO_LARGE, e.error());
    assertEquals("abcd", doc.text());
  }

  @Test
  void embedsCountOneAndNeverMerge() throws OtException {
    RichDocument doc = new RichDocument(8, 4);
    doc.apply(d("[{\"insert\":{\"image\":\"a.png\"}},{\"insert\":{\"image\":\"a.png\"}},{\"insert\":\"x\"}]"),
        OtLimits.DEFAULT);
    assertEquals(3, doc.length());
    assertEquals(3, doc.toDelta().size());
    assertEquals("\uFFFC\uFFFCx", doc.text());
  }

  @Test
  void removingAFormatWithNullMergesTheRunsAgain() throws OtException {
    RichDocument doc = RichDocument.of(d("[{\"insert\":\"ab\",\"attributes\":{\"bold\":true}},{\"insert\":\"cd\"}]"),
        OtLimits.DEFAULT);
    doc.apply(d("[{\"retain\":2,\"attributes\":{\"bold\":null}}]"), OtLimits.DEFAULT);
    assertEquals(d("[{\"insert\":\"abcd\"}]"), doc.toDelta());
  }

  @Test
  void aLargePasteAndALargeDeleteKeepTheTreeBalanced() throws OtException {
    RichDocument doc = new RichDocument(16, 4);
    String big = "0123456789".repeat(500);
    doc.apply(new Delta().insert(big), OtLimits.DEFAULT);
    doc.checkInvariants();
    doc.apply(new Delta().retain(7).delete(4_900), OtLimits.DEFAULT);
    doc.checkInvariants();
    assertEquals(big.substring(0, 7) + big.substring(4_907), doc.text());
    doc.apply(new Delta().delete(doc.length()), OtLimits.DEFAULT);
    doc.checkInvariants();
    assertEquals(0, doc.length());
    assertEquals(new Delta(), doc.toDelta());
  }

  /**
   * The tree must give exactly what composing Deltas gives (the reference algorithm), for random
   * documents and ops, with tiny nodes so that every split and merge path runs.
   */
  @Test
  void randomOpsGiveTheSameDocumentAsCompose() throws OtException {
    long seed = seed("");
    Random rnd = new Random(seed);
    for (int round = 0; round < 300; round++) {
      RichDocument doc = new RichDocument(4 + rnd.nextInt(12), 4 + rnd.nextInt(4));
      Delta reference = new Delta();
      for (int step = 0; step < 40; step++) {
        Delta op = randomOp(rnd, reference.length());
        Delta before = reference;
        reference = RichText.apply(reference, op, OtLimits.DEFAULT);
        doc.apply(op, OtLimits.DEFAULT);
        doc.checkInvariants();
        assertEquals(canonical(reference), doc.toDelta(),
            () -> "seed " + seed + ": doc " + DeltaJson.write(before) + " op " + DeltaJson.write(op));
      }
    }
  }

  /**
   * A frozen document keeps the state it was frozen at, whatever the document does next: random
   * ops with tiny nodes (every split, merge and format path), freezes at random steps, every frozen
   * state checked again at the end.
   */
  @Test
  void aFrozenDocumentKeepsItsStateWhileTheDocumentGoesOn() throws OtException {
    long seed = seed("freeze");
    Random rnd = new Random(seed);
    for (int round = 0; round < 200; round++) {
      RichDocument doc = new RichDocument(4 + rnd.nextInt(12), 4 + rnd.nextInt(4));
      Delta reference = new Delta();
      List<FrozenDocument> frozen = new ArrayList<>();
      List<Delta> expected = new ArrayList<>();
      for (int step = 0; step < 60; step++) {
        if (rnd.nextInt(4) == 0) {
          frozen.add(doc.freeze());
          expected.add(canonical(reference));
        }
        Delta op = randomOp(rnd, reference.length());
        reference = RichText.apply(reference, op, OtLimits.DEFAULT);
        doc.apply(op, OtLimits.DEFAULT);
        doc.checkInvariants();
        assertEquals(canonical(reference), doc.toDelta(), "seed " + seed);
      }
      for (int i = 0; i < frozen.size(); i++) {
        assertEquals(expected.get(i), frozen.get(i).toDelta(), "seed " + seed + ", freeze " + i);
        assertEquals(expected.get(i).length(), frozen.get(i).length(), "seed " + seed);
      }
    }
  }

  /** A freeze shares the tree: one keystroke after it copies one path, not the document. */
  @Test
  void aKeystrokeAfterAFreezeCopiesOnlyItsPath() throws OtException {
    RichDocument doc = new RichDocument();
    doc.apply(new Delta().insert("0123456789".repeat(100_000)), OtLimits.DEFAULT);
    FrozenDocument frozen = doc.freeze();
    doc.apply(new Delta().retain(500_000).delete(1), OtLimits.DEFAULT); // a backspace: no split, no merge
    List<Node> before = leaves(frozen.root);
    List<Node> after = leaves(doc.root());
    assertEquals(before.size(), after.size());
    int copied = 0;
    for (int i = 0; i < before.size(); i++) {
      if (before.get(i) != after.get(i)) {
        copied++;
      }
    }
    assertEquals(1, copied, "leaves copied by one keystroke after a freeze");
    assertEquals(1_000_000, frozen.length());
    assertEquals("0123456789".repeat(100_000), frozen.text());
    assertEquals(999_999, doc.length());
  }

  /** The sequencer's use: the owner keeps applying ops while another thread writes out each freeze. */
  @Test
  void anotherThreadReadsFrozenStatesWhileTheOwnerTypes() throws Exception {
    long seed = seed("threads");
    Random rnd = new Random(seed);
    RichDocument doc = new RichDocument(64, 8);
    Delta reference = new Delta();
    ExecutorService reader = Executors.newSingleThreadExecutor();
    try {
      List<Future<Delta>> reads = new ArrayList<>();
      List<Delta> expected = new ArrayList<>();
      for (int step = 0; step < 3_000; step++) {
        if (step % 25 == 0) {
          FrozenDocument f = doc.freeze();
          reads.add(reader.submit(f::toDelta));
          expected.add(canonical(reference));
        }
        Delta op = randomOp(rnd, reference.length());
        reference = RichText.apply(reference, op, OtLimits.DEFAULT);
        doc.apply(op, OtLimits.DEFAULT);
      }
      for (int i = 0; i < reads.size(); i++) {
        assertEquals(expected.get(i), reads.get(i).get(30, TimeUnit.SECONDS), "seed " + seed + ", freeze " + i);
      }
    } finally {
      reader.shutdownNow();
    }
  }

  private static List<Node> leaves(Node node) {
    List<Node> out = new ArrayList<>();
    collectLeaves(node, out);
    return out;
  }

  private static void collectLeaves(Node node, List<Node> out) {
    if (node instanceof Leaf) {
      out.add(node);
    } else {
      Inner inner = (Inner) node;
      for (int i = 0; i < inner.count; i++) {
        collectLeaves(inner.kids[i], out);
      }
    }
  }

  /** The seed of a random test, -Dquire.seed or a new one, printed so a failure can be replayed. */
  private static long seed(String test) {
    long seed = Long.getLong("quire.seed", new Random().nextLong());
    System.out.println("RichDocumentTest " + (test.isEmpty() ? "" : test + " ") + "seed " + seed
        + " (rerun with -Dquire.seed=" + seed + ")");
    return seed;
  }

  private static final String[] TEXTS = {"a", "bc", "\n", "hello ", "\uD83D\uDE00", "xyz\nw", "0123456789abcdef"};

  private static AttributeMap randomAttrs(Random rnd, boolean allowNull) {
    if (rnd.nextInt(3) == 0) {
      return null;
    }
    AttributeMap.Builder b = AttributeMap.builder();
    if (rnd.nextBoolean()) {
      b.put("bold", allowNull && rnd.nextInt(3) == 0 ? F.nullNode() : F.booleanNode(true));
    }
    if (rnd.nextBoolean()) {
      b.put("color", allowNull && rnd.nextInt(3) == 0 ? F.nullNode() : F.textNode(rnd.nextBoolean() ? "red" : "blue"));
    }
    AttributeMap m = b.build();
    return m.isEmpty() ? null : m;
  }

  /** A random op valid against a document of {@code length}. */
  private static Delta randomOp(Random rnd, long length) {
    Delta op = new Delta();
    long left = length;
    int parts = 1 + rnd.nextInt(4);
    for (int i = 0; i < parts; i++) {
      int kind = rnd.nextInt(4);
      if (kind == 0 || left == 0) {
        if (rnd.nextInt(8) == 0) {
          ObjectNode embed = F.objectNode().put("image", "i" + rnd.nextInt(3) + ".png");
          op.insert(embed, randomAttrs(rnd, true));
        } else {
          op.insert(TEXTS[rnd.nextInt(TEXTS.length)], randomAttrs(rnd, true));
        }
      } else {
        long n = 1 + (long) rnd.nextInt((int) Math.min(left, 20));
        left -= n;
        if (kind == 1) {
          op.delete(n);
        } else {
          op.retain(n, kind == 2 ? randomAttrs(rnd, true) : null);
        }
      }
    }
    return op;
  }
}
