package dev.quire.ot;

import static dev.quire.ot.TestJson.assertDelta;
import static dev.quire.ot.TestJson.assertJson;
import static dev.quire.ot.TestJson.delta;
import static dev.quire.ot.TestJson.object;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The ShareDB type over Delta (npm {@code rich-text@4.1.0} {@code lib/type.js}), and where Quire
 * deliberately refuses what the reference would corrupt a document with (sharedb-protocol.md §7).
 */
class RichTextTest {

  @Test
  void isNamedByItsNameOrItsHttpUri() {
    assertTrue(RichText.isType("rich-text"));
    assertTrue(RichText.isType("http://sharejs.org/types/rich-text/v1"));
    assertFalse(RichText.isType("https://sharejs.org/types/rich-text/v1"));
    assertFalse(RichText.isType("json0"));
  }

  @Nested
  class Create {
    @Test
    void keepsTheDataAsGivenWithoutNormalising() throws OtException {
      assertEquals(2, RichText.create(delta("[{'insert':'a'},{'insert':'b'}]")).size());
    }

    @Test
    void rejectsARetainOrDeleteNamingTheComponent() {
      OtException e = assertThrows(OtException.class, () -> RichText.create(delta("[{'insert':'a'},{'retain':1}]")));
      assertEquals("ERR_OT_OP_BADLY_FORMED", e.code());
      assertTrue(e.getMessage().contains("op[1]"), e.getMessage());
      assertThrows(OtException.class, () -> RichText.create(delta("[{'delete':1}]")));
    }
  }

  @Nested
  class Apply {
    private final Delta doc = delta("[{'insert':'abc'}]");

    @Test
    void composesTheOpOntoTheDocument() throws OtException {
      assertDelta("[{'insert':'abc','attributes':{'bold':true}}]",
          RichText.apply(doc, delta("[{'retain':3,'attributes':{'bold':true}}]"), OtLimits.NONE));
      assertDelta("[{'insert':'a'}]", RichText.apply(doc, delta("[{'retain':1},{'delete':2}]"), OtLimits.NONE));
    }

    @Test
    void refusesARetainPastTheEndAndLeavesTheInputsUnchanged() {
      Delta op = delta("[{'retain':4},{'insert':'z'}]");
      OtException e = assertThrows(OtException.class, () -> RichText.apply(doc, op, OtLimits.NONE));
      assertEquals(OtError.OP_BADLY_FORMED, e.error());
      assertTrue(e.getMessage().contains("op[0]"), e.getMessage());
      assertDelta("[{'insert':'abc'}]", doc);
      assertDelta("[{'retain':4},{'insert':'z'}]", op);
    }

    @Test
    void refusesADeletePastTheEnd() {
      OtException e = assertThrows(OtException.class,
          () -> RichText.apply(doc, delta("[{'retain':2},{'delete':2}]"), OtLimits.NONE));
      assertEquals("ERR_OT_OP_BADLY_FORMED", e.code());
      assertTrue(e.getMessage().contains("op[1]"), e.getMessage());
    }

    @Test
    void insertsDoNotCountTowardsTheEnd() throws OtException {
      assertDelta("[{'insert':'xyzabc!'}]",
          RichText.apply(doc, delta("[{'insert':'xyz'},{'retain':3},{'insert':'!'}]"), OtLimits.NONE));
    }

    @Test
    void refusesADocumentThatWouldBeTooLong() {
      OtLimits limits = new OtLimits(10, 1000, 4);
      OtException e = assertThrows(OtException.class,
          () -> RichText.apply(doc, delta("[{'insert':'xy'}]"), limits));
      assertEquals("ERR_OT_DOC_TOO_LARGE", e.code());
      assertDoesNotThrow(() -> RichText.apply(doc, delta("[{'insert':'x'}]"), limits));
    }

    @Test
    void refusesADocumentThatIsNotOnlyInserts() {
      assertThrows(OtException.class,
          () -> RichText.apply(delta("[{'insert':'a'},{'retain':1}]"), delta("[{'retain':1}]"), OtLimits.NONE));
    }
  }

  @Nested
  class Transform {
    private final Delta a = delta("[{'insert':'A'}]");
    private final Delta b = delta("[{'insert':'B'}]");

    @Test
    void onTheLeftTheOtherOpWentFirst() {
      assertDelta("[{'retain':1},{'insert':'A'}]", RichText.transform(a, b, RichText.Side.LEFT));
    }

    @Test
    void onTheRightThisOpGoesFirst() {
      assertDelta("[{'insert':'A'}]", RichText.transform(a, b, RichText.Side.RIGHT));
    }

    @Test
    void onTheLeftTheOtherOpsAttributeValuesWin() {
      Delta mine = delta("[{'retain':1,'attributes':{'color':'red','bold':true}}]");
      Delta theirs = delta("[{'retain':1,'attributes':{'color':'blue'}}]");
      assertDelta("[{'retain':1,'attributes':{'bold':true}}]", RichText.transform(mine, theirs, RichText.Side.LEFT));
      assertDelta("[{'retain':1,'attributes':{'color':'red','bold':true}}]",
          RichText.transform(mine, theirs, RichText.Side.RIGHT));
    }

    @Test
    void composeIsDeltaCompose() {
      assertDelta("[{'insert':'BA'}]", RichText.compose(a, b));
    }
  }

  @Nested
  class Cursors {
    private final Delta insertAt2 = delta("[{'retain':2},{'insert':'AB'}]");

    @Test
    void anotherUsersInsertAtTheCursorDoesNotMoveIt() {
      assertEquals(2, RichText.transformCursor(2, insertAt2, false));
    }

    @Test
    void yourOwnInsertAtTheCursorPushesItRight() {
      assertEquals(4, RichText.transformCursor(2, insertAt2, true));
    }

    @Test
    void anInsertBeforeTheCursorMovesItEitherWay() {
      assertEquals(5, RichText.transformCursor(3, insertAt2, false));
      assertEquals(5, RichText.transformCursor(3, insertAt2, true));
    }
  }

  @Nested
  class Presence {
    @Test
    void aNullRangeStaysNull() {
      assertNull(RichText.transformPresence(null, delta("[{'insert':'X'}]"), false));
    }

    @Test
    void keepsOtherKeysAndLeavesTheInputUnchanged() {
      ObjectNode range = object("{'index':1,'length':3,'meta':{'u':1}}");
      ObjectNode moved = RichText.transformPresence(range, delta("[{'retain':2},{'delete':1}]"), false);
      assertJson("{'index':1,'length':2,'meta':{'u':1}}", moved);
      assertJson("{'index':1,'length':3,'meta':{'u':1}}", range);
    }

    @Test
    void anotherUsersInsertAtEitherEndDoesNotGrowTheRange() {
      ObjectNode range = object("{'index':1,'length':2}");
      Delta op = delta("[{'retain':1},{'insert':'X'},{'retain':2},{'insert':'Y'}]");
      assertJson("{'index':1,'length':3}", RichText.transformPresence(range, op, false));
    }

    @Test
    void yourOwnInsertAtTheCursorMovesIt() {
      Delta op = delta("[{'retain':2},{'insert':'AB'}]");
      ObjectNode cursor = object("{'index':2,'length':0,'k':'x'}");
      assertJson("{'index':4,'length':0,'k':'x'}", RichText.transformPresence(cursor, op, true));
      assertJson("{'index':2,'length':0,'k':'x'}", RichText.transformPresence(cursor, op, false));
    }

    @Test
    void refusesARangeWithoutANonNegativeIntegerIndexOrLength() {
      Delta op = delta("[{'insert':'X'}]");
      assertThrows(IllegalArgumentException.class, () -> RichText.transformPresence(object("{'length':1}"), op, false));
      assertThrows(IllegalArgumentException.class,
          () -> RichText.transformPresence(object("{'index':-1,'length':1}"), op, false));
      assertThrows(IllegalArgumentException.class,
          () -> RichText.transformPresence(object("{'index':1.5,'length':1}"), op, false));
      assertThrows(IllegalArgumentException.class,
          () -> RichText.transformPresence(object("{'index':1,'length':'2'}"), op, false));
    }
  }
}
