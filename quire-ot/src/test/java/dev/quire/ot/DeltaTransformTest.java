package dev.quire.ot;

import static dev.quire.ot.TestJson.assertDelta;
import static dev.quire.ot.TestJson.delta;

import org.junit.jupiter.api.Test;

/**
 * quill-delta {@code test/delta/transform.ts} (without 5.x's embed handlers), each case with both
 * priorities where they differ. {@code a.transform(b, true)} means a happened first: its inserts
 * go first at the same index and its attribute values win. Expected values were checked against
 * npm quill-delta 4.2.2.
 */
class DeltaTransformTest {

  private static void assertTransform(String a, String b, boolean priority, String expected) {
    assertDelta(expected, delta(a).transform(delta(b), priority));
  }

  @Test
  void insertAgainstInsertGoesAfterWithPriorityAndBeforeWithout() {
    assertTransform("[{'insert':'A'}]", "[{'insert':'B'}]", true, "[{'retain':1},{'insert':'B'}]");
    assertTransform("[{'insert':'A'}]", "[{'insert':'B'}]", false, "[{'insert':'B'}]");
  }

  @Test
  void aRetainSkipsAnEarlierInsert() {
    assertTransform("[{'insert':'A'}]", "[{'retain':1,'attributes':{'bold':true,'color':'red'}}]", true,
        "[{'retain':1},{'retain':1,'attributes':{'bold':true,'color':'red'}}]");
  }

  @Test
  void aDeleteSkipsAnEarlierInsert() {
    assertTransform("[{'insert':'A'}]", "[{'delete':1}]", true, "[{'retain':1},{'delete':1}]");
  }

  @Test
  void anInsertIsUnaffectedByAnEarlierDelete() {
    assertTransform("[{'delete':1}]", "[{'insert':'B'}]", true, "[{'insert':'B'}]");
  }

  @Test
  void aRetainOfDeletedTextDisappears() {
    assertTransform("[{'delete':1}]", "[{'retain':1,'attributes':{'bold':true,'color':'red'}}]", true, "[]");
  }

  @Test
  void aDeleteOfDeletedTextDisappears() {
    assertTransform("[{'delete':1}]", "[{'delete':1}]", true, "[]");
  }

  @Test
  void anInsertIsUnaffectedByAnEarlierFormat() {
    assertTransform("[{'retain':1,'attributes':{'color':'blue'}}]", "[{'insert':'B'}]", true, "[{'insert':'B'}]");
  }

  @Test
  void formatAgainstFormatKeepsOnlyNewKeysWithPriority() {
    assertTransform("[{'retain':1,'attributes':{'color':'blue'}}]",
        "[{'retain':1,'attributes':{'bold':true,'color':'red'}}]", true,
        "[{'retain':1,'attributes':{'bold':true}}]");
    assertTransform("[{'retain':1,'attributes':{'bold':true,'color':'red'}}]",
        "[{'retain':1,'attributes':{'color':'blue'}}]", true, "[]");
  }

  @Test
  void formatAgainstFormatKeepsEverythingWithoutPriority() {
    assertTransform("[{'retain':1,'attributes':{'color':'blue'}}]",
        "[{'retain':1,'attributes':{'bold':true,'color':'red'}}]", false,
        "[{'retain':1,'attributes':{'bold':true,'color':'red'}}]");
    assertTransform("[{'retain':1,'attributes':{'bold':true,'color':'red'}}]",
        "[{'retain':1,'attributes':{'color':'blue'}}]", false,
        "[{'retain':1,'attributes':{'color':'blue'}}]");
  }

  @Test
  void anEarlierNullCountsAsSettingTheKey() {
    assertTransform("[{'retain':1,'attributes':{'bold':null}}]",
        "[{'retain':1,'attributes':{'bold':true,'color':'red'}}]", true,
        "[{'retain':1,'attributes':{'color':'red'}}]");
    assertTransform("[{'retain':1,'attributes':{'bold':null}}]",
        "[{'retain':1,'attributes':{'bold':true,'color':'red'}}]", false,
        "[{'retain':1,'attributes':{'bold':true,'color':'red'}}]");
  }

  @Test
  void aDeleteIsUnaffectedByAnEarlierFormat() {
    assertTransform("[{'retain':1,'attributes':{'color':'blue'}}]", "[{'delete':1}]", true, "[{'delete':1}]");
  }

  @Test
  void aFormatOfPartlyDeletedTextShrinks() {
    assertTransform("[{'retain':1},{'delete':2}]", "[{'retain':2,'attributes':{'bold':true}}]", false,
        "[{'retain':1,'attributes':{'bold':true}}]");
  }

  @Test
  void alternatingEditsInterleave() {
    String a = "[{'retain':2},{'insert':'si'},{'delete':5}]";
    String b = "[{'retain':1},{'insert':'e'},{'delete':5},{'retain':1},{'insert':'ow'}]";
    assertTransform(a, b, false, "[{'retain':1},{'insert':'e'},{'delete':1},{'retain':2},{'insert':'ow'}]");
    assertTransform(b, a, false, "[{'retain':2},{'insert':'si'},{'delete':1}]");
  }

  @Test
  void conflictingAppendsAreOrderedByPriority() {
    assertTransform("[{'retain':3},{'insert':'aa'}]", "[{'retain':3},{'insert':'bb'}]", true,
        "[{'retain':5},{'insert':'bb'}]");
    assertTransform("[{'retain':3},{'insert':'bb'}]", "[{'retain':3},{'insert':'aa'}]", false,
        "[{'retain':3},{'insert':'aa'}]");
  }

  @Test
  void aPrependAndAnAppendBothSurvive() {
    assertTransform("[{'insert':'aa'}]", "[{'retain':3},{'insert':'bb'}]", false, "[{'retain':5},{'insert':'bb'}]");
    assertTransform("[{'retain':3},{'insert':'bb'}]", "[{'insert':'aa'}]", false, "[{'insert':'aa'}]");
  }

  @Test
  void trailingDeletesOfDifferentLengthsOverlap() {
    assertTransform("[{'retain':2},{'delete':1}]", "[{'delete':3}]", false, "[{'delete':2}]");
    assertTransform("[{'delete':3}]", "[{'retain':2},{'delete':1}]", false, "[]");
  }

  @Test
  void overlappingDeletesKeepOnlyTheNewPartAndInsertBeforeIt() {
    assertTransform("[{'retain':2},{'delete':2}]", "[{'retain':1},{'delete':2},{'insert':'x'}]", true,
        "[{'retain':1},{'insert':'x'},{'delete':1}]");
  }

  @Test
  void emptyAttributesAreDroppedAndTheTrailingRetainChopped() {
    assertTransform("[{'insert':'A'}]", "[{'retain':1,'attributes':{}}]", true, "[]");
  }

  @Test
  void anEmptyOpLeavesTheOtherAsItIs() {
    assertTransform("[]", "[{'retain':1,'attributes':{'bold':true}},{'delete':1}]", true,
        "[{'retain':1,'attributes':{'bold':true}},{'delete':1}]");
    assertTransform("[{'retain':5}]", "[{'retain':2},{'insert':'B'}]", true, "[{'retain':2},{'insert':'B'}]");
  }

  @Test
  void leavesTheInputsUnchanged() {
    Delta a = delta("[{'insert':'A'}]");
    Delta b = delta("[{'insert':'B'}]");
    assertDelta("[{'retain':1},{'insert':'B'}]", a.transform(b, true));
    assertDelta("[{'insert':'A'}]", a);
    assertDelta("[{'insert':'B'}]", b);
  }
}
