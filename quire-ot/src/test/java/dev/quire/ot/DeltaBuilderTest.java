package dev.quire.ot;

import static dev.quire.ot.TestJson.assertDelta;
import static dev.quire.ot.TestJson.attrs;
import static dev.quire.ot.TestJson.delta;
import static dev.quire.ot.TestJson.object;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** quill-delta {@code test/delta/builder.ts}, plus the merging rules of {@code push}. */
class DeltaBuilderTest {

  /** Pushes the given ops one by one into an empty Delta. */
  private static Delta pushAll(String json) {
    Delta out = new Delta();
    delta(json).ops().forEach(out::push);
    return out;
  }

  @Nested
  class Constructor {
    @Test
    void anEmptyDeltaHasNoOps() {
      assertEquals(0, new Delta().size());
    }

    @Test
    void emptyInsertsAndZeroOrNegativeLengthsAreSkipped() {
      assertDelta("[]", new Delta().insert("").delete(0).retain(0).delete(-1).retain(-2));
    }

    @Test
    void aListOfOpsIsKeptAsGivenWithoutMerging() {
      Delta raw = delta("[{'insert':'a'},{'insert':'b'},{'retain':1},{'retain':2}]");
      assertEquals(4, new Delta(raw.ops()).size());
    }
  }

  @Nested
  class Insert {
    @Test
    void insertsText() {
      assertDelta("[{'insert':'test'}]", new Delta().insert("test"));
    }

    @Test
    void nullAttributesAreNone() {
      assertDelta("[{'insert':'test'}]", new Delta().insert("test", null));
    }

    @Test
    void emptyAttributesAreLeftOut() {
      assertDelta("[{'insert':'a'}]", new Delta().insert("a", AttributeMap.EMPTY));
    }

    @Test
    void insertsTextWithAttributes() {
      assertDelta("[{'insert':'test','attributes':{'bold':true}}]",
          new Delta().insert("test", attrs("{'bold':true}")));
    }

    @Test
    void insertsAnEmbed() {
      assertDelta("[{'insert':{'embed':1}}]", new Delta().insert(object("{'embed':1}"), null));
    }

    @Test
    void insertsAnEmbedWithAttributes() {
      assertDelta("[{'insert':{'url':'http://quilljs.com'},'attributes':{'alt':'Quill'}}]",
          new Delta().insert(object("{'url':'http://quilljs.com'}"), attrs("{'alt':'Quill'}")));
    }

    @Test
    void anInsertAfterADeleteGoesBeforeIt() {
      assertDelta("[{'insert':'a'},{'delete':1}]", new Delta().delete(1).insert("a"));
    }

    @Test
    void anInsertAfterADeleteMergesWithTheInsertBeforeTheDelete() {
      assertDelta("[{'insert':'ab'},{'delete':1}]", new Delta().insert("a").delete(1).insert("b"));
    }

    @Test
    void anInsertAfterADeleteDoesNotMergeWithAnEmbed() {
      assertDelta("[{'insert':{'embed':1}},{'insert':'a'},{'delete':1}]",
          new Delta().insert(object("{'embed':1}"), null).delete(1).insert("a"));
    }

    @Test
    void anEmbedAfterADeleteAlsoGoesBeforeIt() {
      assertDelta("[{'insert':'x'},{'insert':{'image':'a'}},{'delete':3}]",
          pushAll("[{'insert':'x'},{'delete':1},{'delete':2},{'insert':{'image':'a'}}]"));
    }

    @Test
    void anInsertAfterARetainAndADeleteGoesBetweenThem() {
      assertDelta("[{'retain':1},{'insert':'a'},{'delete':1}]", new Delta().retain(1).delete(1).insert("a"));
    }

    @Test
    void anInsertMovesOnlyBeforeTheLastDelete() {
      assertDelta("[{'insert':'a'},{'delete':1},{'retain':1},{'insert':'b'},{'delete':1}]",
          pushAll("[{'insert':'a'},{'delete':1},{'retain':1},{'delete':1},{'insert':'b'}]"));
    }
  }

  @Nested
  class DeleteRetain {
    @Test
    void deletesALength() {
      assertDelta("[{'delete':1}]", new Delta().delete(1));
    }

    @Test
    void retainsALength() {
      assertDelta("[{'retain':2}]", new Delta().retain(2));
    }

    @Test
    void retainsWithNullAttributesAsPlain() {
      assertDelta("[{'retain':2}]", new Delta().retain(2, null));
    }

    @Test
    void retainsWithAttributes() {
      assertDelta("[{'retain':1,'attributes':{'bold':true}}]", new Delta().retain(1, attrs("{'bold':true}")));
    }

    @Test
    void retainWithEmptyAttributesIsAPlainRetain() {
      // The delete keeps chop from mattering; the retain must have lost its {}.
      assertEquals(new Delta().retain(2).delete(1), new Delta().retain(2, AttributeMap.EMPTY).delete(1));
    }

    @Test
    void aRetainAfterADeleteStaysAfterIt() {
      assertDelta("[{'delete':1},{'retain':1}]", new Delta().delete(1).retain(1));
    }
  }

  @Nested
  class Push {
    @Test
    void pushesIntoAnEmptyDelta() {
      assertDelta("[{'insert':'test'}]", pushAll("[{'insert':'test'}]"));
    }

    @Test
    void consecutiveDeletesAddUp() {
      assertDelta("[{'delete':5}]", pushAll("[{'delete':2},{'delete':3}]"));
    }

    @Test
    void consecutiveTextsConcatenate() {
      assertDelta("[{'insert':'ab'}]", pushAll("[{'insert':'a'},{'insert':'b'}]"));
    }

    @Test
    void consecutiveTextsWithEqualAttributesConcatenate() {
      assertDelta("[{'insert':'ab','attributes':{'bold':true}}]",
          pushAll("[{'insert':'a','attributes':{'bold':true}},{'insert':'b','attributes':{'bold':true}}]"));
    }

    @Test
    void consecutiveRetainsWithEqualAttributesAddUp() {
      assertDelta("[{'retain':4,'attributes':{'bold':true}}]",
          pushAll("[{'retain':1,'attributes':{'bold':true}},{'retain':3,'attributes':{'bold':true}}]"));
    }

    @Test
    void textsWithDifferentAttributesStaySeparate() {
      assertEquals(2, pushAll("[{'insert':'a','attributes':{'bold':true}},{'insert':'b'}]").size());
    }

    @Test
    void retainsWithDifferentAttributesStaySeparate() {
      assertEquals(2, pushAll("[{'retain':1,'attributes':{'bold':true}},{'retain':3}]").size());
    }

    @Test
    void embedsNeverMergeEvenWhenEqual() {
      assertEquals(2, pushAll("[{'insert':{'image':'a'}},{'insert':{'image':'a'}}]").size());
      assertEquals(2, pushAll("[{'insert':{'embed':1},'attributes':{'alt':'D'}},"
          + "{'insert':{'url':'u'},'attributes':{'alt':'D'}}]").size());
    }

    @Test
    void emptyAttributesDoNotMergeWithNoAttributes() {
      assertDelta("[{'insert':'a'},{'insert':'b','attributes':{}}]",
          pushAll("[{'insert':'a'},{'insert':'b','attributes':{}}]"));
      assertDelta("[{'retain':1},{'retain':2,'attributes':{}}]",
          pushAll("[{'retain':1},{'retain':2,'attributes':{}}]"));
    }

    @Test
    void emptyAttributesMergeWithEmptyAttributesAndAreKept() {
      assertDelta("[{'insert':'ab','attributes':{}}]",
          pushAll("[{'insert':'a','attributes':{}},{'insert':'b','attributes':{}}]"));
      assertDelta("[{'retain':3,'attributes':{}}]",
          pushAll("[{'retain':1,'attributes':{}},{'retain':2,'attributes':{}}]"));
    }

    @Test
    void attributeValuesCompareDeeplyAndNumbersAsJavaScriptNumbers() {
      assertDelta("[{'insert':'ab','attributes':{'link':{'href':'x'},'header':1}}]",
          pushAll("[{'insert':'a','attributes':{'link':{'href':'x'},'header':1}},"
              + "{'insert':'b','attributes':{'header':1.0,'link':{'href':'x'}}}]"));
    }

    @Test
    void aTextInsertDoesNotMergeWithARetain() {
      assertEquals(2, pushAll("[{'retain':1},{'insert':'a'}]").size());
    }
  }
}
