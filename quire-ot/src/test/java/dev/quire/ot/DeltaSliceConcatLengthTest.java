package dev.quire.ot;

import static dev.quire.ot.TestJson.assertDelta;
import static dev.quire.ot.TestJson.delta;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** quill-delta {@code test/delta/helpers.ts}: concat, chop, length, changeLength and slice. */
class DeltaSliceConcatLengthTest {

  @Nested
  class Concat {
    @Test
    void concatenatingAnEmptyDeltaChangesNothing() {
      assertDelta("[{'insert':'Test'}]", delta("[{'insert':'Test'}]").concat(new Delta()));
    }

    @Test
    void keepsUnmergeableOpsApartAndLeavesTheInputUnchanged() {
      Delta a = delta("[{'insert':'Test'}]");
      assertDelta("[{'insert':'Test'},{'insert':'!','attributes':{'bold':true}}]",
          a.concat(delta("[{'insert':'!','attributes':{'bold':true}}]")));
      assertDelta("[{'insert':'Test'}]", a);
    }

    @Test
    void mergesAtTheSeamAndLeavesTheInputUnchanged() {
      Delta a = delta("[{'insert':'Test','attributes':{'bold':true}}]");
      assertDelta("[{'insert':'Test!','attributes':{'bold':true}},{'insert':'\\n'}]",
          a.concat(delta("[{'insert':'!','attributes':{'bold':true}},{'insert':'\\n'}]")));
      assertDelta("[{'insert':'Test','attributes':{'bold':true}}]", a);
    }

    @Test
    void mergesOnlyAtTheSeam() {
      assertDelta("[{'insert':'ab'},{'insert':'c'}]", delta("[{'insert':'a'}]").concat(delta("[{'insert':'b'},{'insert':'c'}]")));
    }
  }

  @Nested
  class Chop {
    @Test
    void dropsAFinalPlainRetain() {
      assertDelta("[{'insert':'Test'}]", delta("[{'insert':'Test'},{'retain':4}]").chop());
    }

    @Test
    void keepsAFinalInsert() {
      assertDelta("[{'insert':'Test'}]", delta("[{'insert':'Test'}]").chop());
    }

    @Test
    void keepsAFinalFormattingRetain() {
      assertDelta("[{'insert':'Test'},{'retain':4,'attributes':{'bold':true}}]",
          delta("[{'insert':'Test'},{'retain':4,'attributes':{'bold':true}}]").chop());
    }

    @Test
    void keepsAFinalRetainWithEmptyAttributesBecauseEmptyObjectsAreTruthy() {
      assertDelta("[{'retain':4,'attributes':{}}]", delta("[{'retain':4,'attributes':{}}]").chop());
    }

    @Test
    void dropsOnlyOneRetain() {
      assertDelta("[{'retain':1}]", delta("[{'retain':1},{'retain':2}]").chop());
    }
  }

  @Nested
  class Lengths {
    @Test
    void aDocumentsLengthCountsAnEmbedAsOne() {
      assertEquals(3, delta("[{'insert':'AB','attributes':{'bold':true}},{'insert':{'embed':1}}]").length());
    }

    @Test
    void aChangesLengthCountsEveryOp() {
      Delta d = delta("[{'insert':'AB','attributes':{'bold':true}},{'insert':{'embed':1}},"
          + "{'retain':2,'attributes':{'bold':null}},{'delete':1}]");
      assertEquals(6, d.length());
    }

    @Test
    void changeLengthIsInsertsMinusDeletes() {
      assertEquals(1, delta("[{'insert':'AB','attributes':{'bold':true}},{'retain':2,'attributes':{'bold':null}},{'delete':1}]")
          .changeLength());
    }

    @Test
    void baseLengthIsRetainsPlusDeletes() {
      assertEquals(5, delta("[{'insert':'AB'},{'retain':2},{'delete':3}]").baseLength());
    }

    @Test
    void lengthsAreUtf16CodeUnits() {
      assertEquals(2, delta("[{'insert':'\uD83D\uDE00'}]").length());
      assertEquals(3, delta("[{'insert':'\u00e9\u65e5\\n'}]").length());
    }

    @Test
    void aDocumentHoldsOnlyInserts() {
      assertTrue(delta("[{'insert':'a'},{'insert':{'image':'x'}}]").isDocument());
      assertTrue(new Delta().isDocument());
      assertFalse(delta("[{'insert':'a'},{'retain':1}]").isDocument());
    }
  }

  @Nested
  class Slice {
    @Test
    void slicesFromAStart() {
      assertDelta("[{'insert':'A'}]", delta("[{'retain':2},{'insert':'A'}]").slice(2));
    }

    @Test
    void cutsOneOpAtBothEnds() {
      assertDelta("[{'insert':'23456'}]", delta("[{'insert':'0123456789'}]").slice(2, 7));
    }

    @Test
    void cutsSeveralOps() {
      assertDelta("[{'insert':'3','attributes':{'bold':true}},{'insert':'4'}]",
          delta("[{'insert':'0123','attributes':{'bold':true}},{'insert':'4567'}]").slice(3, 5));
    }

    @Test
    void slicesAWholeOp() {
      assertDelta("[{'insert':'A','attributes':{'bold':true}}]",
          delta("[{'retain':2},{'insert':'A','attributes':{'bold':true}},{'insert':'B'}]").slice(2, 3));
    }

    @Test
    void withoutBoundsCopiesEverything() {
      Delta d = delta("[{'retain':2},{'insert':'A','attributes':{'bold':true}},{'insert':'B'}]");
      assertEquals(d, d.slice(0));
    }

    @Test
    void splitsAnOpInTheMiddle() {
      assertDelta("[{'insert':'B','attributes':{'bold':true}}]",
          delta("[{'insert':'AB','attributes':{'bold':true}},{'insert':'C'}]").slice(1, 2));
      assertDelta("[{'insert':'B','attributes':{'bold':true}}]",
          delta("[{'insert':'ABC','attributes':{'bold':true}},{'insert':'D'}]").slice(1, 2));
    }

    @Test
    void doesNotMergeThePieces() {
      assertEquals(2, delta("[{'insert':'a'},{'insert':'b'}]").slice(0, 2).size());
    }

    @Test
    void cutsASurrogatePairInHalfAsJavaScriptDoes() {
      Delta half = delta("[{'insert':'\uD83D\uDE00'}]").slice(0, 1);
      assertEquals("\uD83D", half.get(0).text());
    }
  }
}
