package dev.quire.ot;

import static org.junit.jupiter.api.Assertions.fail;

import dev.quire.ot.json.DeltaJson;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Seeded property tests of the laws the server and clients rely on, over random documents and
 * changes that fit them ({@link RandomDeltas}). Plain JUnit: each property walks its own random
 * stream derived from one printed seed; a failure names the seed, the case and its inputs as JSON.
 *
 * <p>Results are compared as documents in canonical form ({@link #canonical}): 4.2.2's compose
 * copies some inserts without merging them (its two shortcuts), so two paths to the same text may
 * split it into different ops. That is why equality holds only after re-pushing.
 */
class DeltaPropertiesTest {
  private static final int CASES = 3000;

  private static long seed;

  @BeforeAll
  static void chooseSeed() {
    seed = Seeds.choose(DeltaPropertiesTest.class);
  }

  /** A stream per property, so that one property can be replayed alone. */
  private static RandomDeltas random(int property) {
    return new RandomDeltas(seed * 31 + property);
  }

  @Test
  void tp1ConcurrentChangesConvergeWhicheverIsAppliedFirst() {
    RandomDeltas gen = random(1);
    for (int i = 0; i < CASES; i++) {
      Delta doc = gen.document();
      Delta a = gen.change(doc.length());
      Delta b = gen.change(doc.length());
      Delta viaA = doc.compose(a).compose(a.transform(b, true));
      Delta viaB = doc.compose(b).compose(b.transform(a, false));
      if (!canonical(viaA).equals(canonical(viaB))) {
        failCase(i, "TP1: doc.a.a.transform(b,true) != doc.b.b.transform(a,false)",
            "doc", doc, "a", a, "b", b, "via a", viaA, "via b", viaB);
      }
    }
  }

  @Test
  void aTransformedChangeFitsTheDocumentItIsAppliedTo() {
    RandomDeltas gen = random(2);
    for (int i = 0; i < CASES; i++) {
      Delta doc = gen.document();
      Delta a = gen.change(doc.length());
      Delta b = gen.change(doc.length());
      Delta afterA = doc.compose(a);
      Delta bAfterA = a.transform(b, gen.random().nextBoolean());
      if (!afterA.isDocument() || afterA.length() != doc.length() + a.changeLength()) {
        failCase(i, "doc.a is not a document of length doc + a.changeLength", "doc", doc, "a", a, "doc.a", afterA);
      }
      try {
        RichText.checkApplicable(afterA.length(), bAfterA, OtLimits.NONE);
      } catch (OtException e) {
        failCase(i, "a.transform(b) does not fit doc.a: " + e.getMessage(), "doc", doc, "a", a, "b", b,
            "b transformed", bAfterA);
      }
    }
  }

  @Test
  void composeIsAssociative() {
    RandomDeltas gen = random(3);
    for (int i = 0; i < CASES; i++) {
      Delta doc = gen.document();
      Delta a = gen.change(doc.length());
      Delta afterA = doc.compose(a);
      Delta b = gen.change(afterA.length());
      Delta c = gen.change(afterA.compose(b).length());
      Delta left = doc.compose(a.compose(b).compose(c));
      Delta right = doc.compose(a.compose(b.compose(c)));
      Delta stepwise = afterA.compose(b).compose(c);
      if (!canonical(left).equals(canonical(right)) || !canonical(left).equals(canonical(stepwise))) {
        failCase(i, "(a.b).c != a.(b.c) != stepwise, applied to doc", "doc", doc, "a", a, "b", b, "c", c,
            "doc.((a.b).c)", left, "doc.(a.(b.c))", right, "doc.a.b.c", stepwise);
      }
    }
  }

  @Test
  void anInverseUndoesItsChange() {
    RandomDeltas gen = random(4);
    for (int i = 0; i < CASES; i++) {
      Delta doc = gen.document();
      Delta a = gen.change(doc.length());
      Delta inverse = a.invert(doc);
      Delta back = doc.compose(a).compose(inverse);
      // In a document a null attribute means the same as none, and composing a null onto an
      // insert drops the key, so a null of doc comes back as absent (see DeltaInvertTest).
      if (!canonical(withoutNulls(back)).equals(canonical(withoutNulls(doc)))) {
        failCase(i, "doc.a.a.invert(doc) != doc", "doc", doc, "a", a, "inverse", inverse, "result", back);
      }
    }
  }

  @Test
  void transformPositionAgreesWithTransformingAnInsertAtThatPosition() {
    RandomDeltas gen = random(5);
    for (int i = 0; i < CASES; i++) {
      Delta doc = gen.document();
      // Only canonical changes: with an insert after a delete the two disagree, as in the
      // reference (see TransformPositionTest).
      Delta a = canonical(gen.change(doc.length()));
      long index = gen.position(doc.length());
      boolean priority = gen.random().nextBoolean();
      Delta insert = new Delta().retain(index).insert("X");
      Delta moved = a.transform(insert, priority);
      // transform's priority says whose insert goes first; transformPosition's says whether the
      // position stays before an insert at it. "a goes first" means the position moves past a's.
      long expected = a.transformPosition(index, !priority);
      if (insertIndex(moved) != expected) {
        failCase(i, "the insert moved to " + insertIndex(moved) + " but transformPosition(" + index + ", "
            + !priority + ") = " + expected, "doc", doc, "a", a, "insert", insert, "transformed", moved);
      }
    }
  }

  /** Where the first insert of {@code delta} happens. */
  private static long insertIndex(Delta delta) {
    long index = 0;
    for (Op op : delta.ops()) {
      if (op.isInsert()) {
        return index;
      }
      index += op.length();
    }
    return -1;
  }

  /** The same ops re-pushed into a fresh Delta, which merges what compose left unmerged. */
  static Delta canonical(Delta delta) {
    Delta out = new Delta();
    delta.ops().forEach(out::push);
    return out;
  }

  /** The same ops with null-valued attributes left out (and then-empty attributes dropped). */
  static Delta withoutNulls(Delta delta) {
    Delta out = new Delta();
    for (Op op : delta.ops()) {
      AttributeMap attributes = op.attributes();
      if (attributes != null) {
        AttributeMap.Builder kept = AttributeMap.builder();
        attributes.forEach((k, v) -> {
          if (!v.isNull()) {
            kept.put(k, v);
          }
        });
        AttributeMap built = kept.build();
        attributes = built.isEmpty() ? null : built;
      }
      out.push(op.withAttributes(attributes));
    }
    return out;
  }

  /** Fails naming the seed, the case and each named Delta as JSON. */
  private static void failCase(int i, String what, Object... namesAndDeltas) {
    StringBuilder message = new StringBuilder()
        .append(what).append("\n  seed ").append(seed).append(" (replay with -Dquire.seed=").append(seed)
        .append("), case ").append(i);
    for (int k = 0; k < namesAndDeltas.length; k += 2) {
      message.append("\n  ").append(namesAndDeltas[k]).append(" = ")
          .append(DeltaJson.write((Delta) namesAndDeltas[k + 1]));
    }
    fail(message.toString());
  }
}
