package dev.quire.ot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Delta#transform}'s arithmetic path for keystroke-shaped ops (at most a plain retain, then
 * one insert or one delete) gives exactly what the literal port of quill-delta's algorithm gives:
 * every pair of such ops over small documents, both priorities, and seeded random ones with
 * attributes, embeds and astral characters. Ops of any other shape never take the fast path.
 */
class SimpleTransformTest {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  /** Every retain/insert/delete placement and length up to a small bound, both priorities. */
  @Test
  void everySmallPairMatchesTheGeneralAlgorithm() {
    int cases = 0;
    for (Delta a : smallOps()) {
      for (Delta b : smallOps()) {
        for (boolean priority : new boolean[] {true, false}) {
          assertEquals(a.transformGeneral(b, priority), a.transform(b, priority),
              () -> a + " transform " + b + " priority " + priority);
          cases++;
        }
      }
    }
    assertEquals(2 * 56 * 56, cases);
  }

  /** Inserts and deletes at 0..6 with lengths 1..3: 7 × (3 + 3) + 14 variants. */
  private static java.util.List<Delta> smallOps() {
    java.util.List<Delta> out = new java.util.ArrayList<>();
    for (int at = 0; at <= 6; at++) {
      for (int len = 1; len <= 3; len++) {
        out.add(new Delta().retain(at).insert("x".repeat(len)));
        out.add(new Delta().retain(at).delete(len));
      }
      out.add(new Delta().retain(at).insert("y", AttributeMap.of(Map.of("bold", JSON.booleanNode(true)))));
      out.add(new Delta().retain(at).insert(JSON.objectNode().put("image", "i.png"), (AttributeMap) null));
    }
    return out;
  }

  @Test
  void randomKeystrokeOpsMatchTheGeneralAlgorithm() {
    long seed = Seeds.choose(SimpleTransformTest.class);
    Random random = new Random(seed);
    for (int i = 0; i < 200_000; i++) {
      Delta a = randomOp(random);
      Delta b = randomOp(random);
      boolean priority = random.nextBoolean();
      assertEquals(a.transformGeneral(b, priority), a.transform(b, priority),
          () -> a + " transform " + b + " priority " + priority + " (seed " + seed + ")");
    }
  }

  @Test
  void opsOfOtherShapesTakeTheGeneralPath() {
    Delta bold = new Delta().retain(2, AttributeMap.of(Map.of("bold", JSON.booleanNode(true))));
    Delta twoInserts = new Delta().insert("a").retain(3).insert("b");
    Delta emptyAttributes = new Delta().retain(2, AttributeMap.EMPTY).insert("c");
    Delta typing = new Delta().retain(1).insert("z");
    for (Delta other : new Delta[] {bold, twoInserts, emptyAttributes}) {
      for (boolean priority : new boolean[] {true, false}) {
        assertEquals(typing.transformGeneral(other, priority), typing.transform(other, priority));
        assertEquals(other.transformGeneral(typing, priority), other.transform(typing, priority));
      }
    }
  }

  private static Delta randomOp(Random r) {
    Delta d = new Delta().retain(r.nextInt(3) == 0 ? 0 : r.nextInt(40));
    switch (r.nextInt(4)) {
      case 0 -> d.delete(1 + r.nextInt(r.nextBoolean() ? 3 : 30));
      case 1 -> d.insert(JSON.objectNode().put("formula", "e=mc^2"),
          r.nextBoolean() ? (AttributeMap) null : AttributeMap.of(Map.of("link", JSON.textNode("https://q.dev"))));
      default -> d.insert(r.nextBoolean() ? "ab\uD83D\uDE00" : "k".repeat(1 + r.nextInt(5)),
          r.nextInt(3) == 0 ? AttributeMap.of(Map.of("italic", JSON.booleanNode(true))) : null);
    }
    return d;
  }
}
