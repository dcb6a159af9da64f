package dev.quire.ot;

import static dev.quire.ot.TestJson.assertDelta;
import static dev.quire.ot.TestJson.delta;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * quill-delta {@code test/delta/invert.ts} (without 5.x's embed handlers): each inverse is checked
 * by value and by undoing the change. Expected values were checked against npm quill-delta 4.2.2.
 */
class DeltaInvertTest {

  /** Asserts the inverse of {@code change} on {@code base}, and that it restores {@code base}. */
  private static void assertInvert(String change, String base, String expected) {
    Delta d = delta(change);
    Delta b = delta(base);
    Delta inverted = d.invert(b);
    assertDelta(expected, inverted);
    assertEquals(b, b.compose(d).compose(inverted), "applying the change and its inverse restores the base");
  }

  @Test
  void theInverseOfAnInsertIsADelete() {
    assertInvert("[{'retain':2},{'insert':'A'}]", "[{'insert':'123456'}]", "[{'retain':2},{'delete':1}]");
  }

  @Test
  void theInverseOfADeleteInsertsTheDeletedText() {
    assertInvert("[{'retain':2},{'delete':3}]", "[{'insert':'123456'}]", "[{'retain':2},{'insert':'345'}]");
  }

  @Test
  void theInverseOfAFormatRemovesIt() {
    assertInvert("[{'retain':2},{'retain':3,'attributes':{'bold':true}}]", "[{'insert':'123456'}]",
        "[{'retain':2},{'retain':3,'attributes':{'bold':null}}]");
  }

  @Test
  void theInverseOfAFormatKeepsOtherAttributesOfTheBase() {
    assertInvert("[{'retain':4,'attributes':{'italic':true}}]",
        "[{'insert':'123'},{'insert':'4','attributes':{'bold':true}}]",
        "[{'retain':4,'attributes':{'italic':null}}]");
  }

  @Test
  void invertsACombinedChange() {
    assertInvert(
        "[{'retain':2},{'delete':2},{'insert':'AB','attributes':{'italic':true}},"
            + "{'retain':2,'attributes':{'italic':null,'bold':true}},{'retain':2,'attributes':{'color':'red'}},{'delete':1}]",
        "[{'insert':'123','attributes':{'bold':true}},{'insert':'456','attributes':{'italic':true}},"
            + "{'insert':'789','attributes':{'color':'red','bold':true}}]",
        "[{'retain':2},{'insert':'3','attributes':{'bold':true}},{'insert':'4','attributes':{'italic':true}},"
            + "{'delete':2},{'retain':2,'attributes':{'italic':true,'bold':null}},{'retain':2},"
            + "{'insert':'9','attributes':{'color':'red','bold':true}}]");
  }

  @Test
  void theInverseOfDeletingAnEmbedInsertsItWithItsAttributes() {
    assertInvert("[{'retain':1},{'delete':2}]",
        "[{'insert':'a'},{'insert':{'image':'x'},'attributes':{'w':1}},{'insert':'bc'}]",
        "[{'retain':1},{'insert':{'image':'x'},'attributes':{'w':1}},{'insert':'b'}]");
  }

  @Test
  void theInverseOfInsertingAnEmbedDeletesOne() {
    assertDelta("[{'delete':3}]", delta("[{'insert':{'image':'x'}},{'insert':'ab'}]").invert(new Delta()));
  }

  @Test
  void settingAPrimitiveValueAgainIsNoChange() {
    assertInvert("[{'retain':1,'attributes':{'bold':true}}]", "[{'insert':'a','attributes':{'bold':true}}]", "[]");
    assertInvert("[{'retain':1,'attributes':{'header':1}}]", "[{'insert':'a','attributes':{'header':1.0}}]", "[]");
  }

  @Test
  void settingAnEqualObjectValueCountsAsAChangeBecauseJavaScriptComparesObjectsByIdentity() {
    assertInvert("[{'retain':1,'attributes':{'link':{'href':'x'}}}]",
        "[{'insert':'a','attributes':{'link':{'href':'x'}}}]",
        "[{'retain':1,'attributes':{'link':{'href':'x'}}}]");
  }

  @Test
  void aNullInTheBaseComesBackAsAbsentWhichMeansTheSameInADocument() {
    Delta change = delta("[{'retain':1,'attributes':{'bold':true}}]");
    Delta base = delta("[{'insert':'a','attributes':{'bold':null}}]");
    Delta inverted = change.invert(base);
    assertDelta("[{'retain':1,'attributes':{'bold':null}}]", inverted);
    // Composing a null onto an insert drops the key, so the base's explicit null is not restored.
    assertDelta("[{'insert':'a'}]", base.compose(change).compose(inverted));
  }

  @Test
  void aFormatWithEmptyAttributesInvertsToNothing() {
    assertInvert("[{'retain':2,'attributes':{}}]", "[{'insert':'ab','attributes':{'bold':true}}]", "[]");
  }
}
