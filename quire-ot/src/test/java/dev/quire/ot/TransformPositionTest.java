package dev.quire.ot;

import static dev.quire.ot.TestJson.delta;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * quill-delta {@code test/delta/transform-position.ts}. With priority, an insert exactly at the
 * position does not move it (someone else typed at the cursor); without, it does.
 */
class TransformPositionTest {

  private static long position(String delta, long index, boolean priority) {
    return delta(delta).transformPosition(index, priority);
  }

  @Test
  void anInsertBeforeThePositionMovesIt() {
    assertEquals(3, position("[{'insert':'A'}]", 2, false));
    assertEquals(3, position("[{'insert':'A'}]", 2, true));
  }

  @Test
  void anInsertAfterThePositionDoesNotMoveIt() {
    assertEquals(1, position("[{'retain':2},{'insert':'A'}]", 1, false));
  }

  @Test
  void anInsertAtThePositionMovesItOnlyWithoutPriority() {
    assertEquals(2, position("[{'retain':2},{'insert':'A'}]", 2, true));
    assertEquals(3, position("[{'retain':2},{'insert':'A'}]", 2, false));
  }

  @Test
  void anInsertAtPositionZeroMovesItOnlyWithoutPriority() {
    assertEquals(0, position("[{'insert':'AB'}]", 0, true));
    assertEquals(2, position("[{'insert':'AB'}]", 0, false));
  }

  @Test
  void anEmbedCountsOne() {
    assertEquals(2, position("[{'insert':{'image':'a'}}]", 1, true));
  }

  @Test
  void aDeleteBeforeThePositionMovesItBack() {
    assertEquals(2, position("[{'delete':2}]", 4, false));
  }

  @Test
  void aDeleteAfterThePositionDoesNotMoveIt() {
    assertEquals(2, position("[{'retain':4},{'delete':2}]", 2, false));
  }

  @Test
  void aDeleteAcrossThePositionMovesItToTheDeleteStart() {
    assertEquals(1, position("[{'retain':1},{'delete':4}]", 2, false));
  }

  @Test
  void anInsertAndADeleteBeforeThePositionAddUp() {
    assertEquals(3, position("[{'retain':2},{'insert':'A'},{'delete':2}]", 4, false));
  }

  @Test
  void anInsertBeforeAndADeleteAcrossThePositionAddUp() {
    assertEquals(3, position("[{'retain':2},{'insert':'A'},{'delete':4}]", 4, false));
  }

  @Test
  void aDeleteBeforeAndADeleteAcrossThePositionAddUp() {
    assertEquals(1, position("[{'delete':1},{'retain':1},{'delete':4}]", 4, false));
  }

  @Test
  void formattingDoesNotMoveThePosition() {
    assertEquals(3, position("[{'retain':5,'attributes':{'bold':true}}]", 3, false));
  }

  @Test
  void agreesWithTransformOnlyWhenTheInsertComesBeforeTheDeleteAsPushPutsIt() {
    Delta insertX = delta("[{'insert':'X'}]");
    // Canonical: the other op's insert goes after this one's, and so does a cursor that moves.
    Delta canonical = delta("[{'insert':'ab'},{'delete':4}]");
    assertEquals(2, canonical.transformPosition(0, false));
    TestJson.assertDelta("[{'retain':2},{'insert':'X'}]", canonical.transform(insertX, true));
    // The same change with the insert after the delete (a client may send it): transform now puts
    // the other insert first, but transformPosition still moves past this insert, as in 4.2.2.
    Delta raw = delta("[{'delete':4},{'insert':'ab'}]");
    assertEquals(2, raw.transformPosition(0, false));
    TestJson.assertDelta("[{'insert':'X'}]", raw.transform(insertX, true));
  }
}
