package dev.quire.ot;

import static dev.quire.ot.TestJson.assertDelta;
import static dev.quire.ot.TestJson.delta;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * quill-delta {@code test/delta/compose.ts} (without 5.x's object retains and embed handlers), and
 * the two shortcuts of 4.2.2's compose, whose unmerged results are observable. Expected values
 * were checked against npm quill-delta 4.2.2.
 */
class DeltaComposeTest {

  private static void assertCompose(String a, String b, String expected) {
    assertDelta(expected, delta(a).compose(delta(b)));
  }

  @Test
  void insertThenInsertPutsTheLaterInsertFirst() {
    assertCompose("[{'insert':'A'}]", "[{'insert':'B'}]", "[{'insert':'BA'}]");
  }

  @Test
  void insertThenRetainFormatsTheInsertAndDropsNulls() {
    assertCompose("[{'insert':'A'}]", "[{'retain':1,'attributes':{'bold':true,'color':'red','font':null}}]",
        "[{'insert':'A','attributes':{'bold':true,'color':'red'}}]");
  }

  @Test
  void insertThenDeleteCancelsOut() {
    assertCompose("[{'insert':'A'}]", "[{'delete':1}]", "[]");
  }

  @Test
  void deleteThenInsertPutsTheInsertFirst() {
    assertCompose("[{'delete':1}]", "[{'insert':'B'}]", "[{'insert':'B'},{'delete':1}]");
  }

  @Test
  void deleteThenRetainKeepsBoth() {
    assertCompose("[{'delete':1}]", "[{'retain':1,'attributes':{'bold':true,'color':'red'}}]",
        "[{'delete':1},{'retain':1,'attributes':{'bold':true,'color':'red'}}]");
  }

  @Test
  void deleteThenDeleteAddsUp() {
    assertCompose("[{'delete':1}]", "[{'delete':1}]", "[{'delete':2}]");
  }

  @Test
  void retainThenInsertPutsTheInsertFirst() {
    assertCompose("[{'retain':1,'attributes':{'color':'blue'}}]", "[{'insert':'B'}]",
        "[{'insert':'B'},{'retain':1,'attributes':{'color':'blue'}}]");
  }

  @Test
  void retainThenRetainKeepsNulls() {
    assertCompose("[{'retain':1,'attributes':{'color':'blue'}}]",
        "[{'retain':1,'attributes':{'bold':true,'color':'red','font':null}}]",
        "[{'retain':1,'attributes':{'bold':true,'color':'red','font':null}}]");
  }

  @Test
  void aLaterValueReplacesAnEarlierNullOnARetain() {
    assertCompose("[{'retain':1,'attributes':{'bold':null}}]", "[{'retain':1,'attributes':{'bold':true}}]",
        "[{'retain':1,'attributes':{'bold':true}}]");
  }

  @Test
  void retainThenDeleteIsADelete() {
    assertCompose("[{'retain':1,'attributes':{'color':'blue'}}]", "[{'delete':1}]", "[{'delete':1}]");
  }

  @Test
  void insertsInTheMiddleOfText() {
    assertCompose("[{'insert':'Hello'}]", "[{'retain':3},{'insert':'X'}]", "[{'insert':'HelXlo'}]");
  }

  @Test
  void insertAndDeleteInEitherOrderGiveTheSameResult() {
    assertCompose("[{'insert':'Hello'}]", "[{'retain':3},{'insert':'X'},{'delete':1}]", "[{'insert':'HelXo'}]");
    assertCompose("[{'insert':'Hello'}]", "[{'retain':3},{'delete':1},{'insert':'X'}]", "[{'insert':'HelXo'}]");
  }

  @Test
  void formatsAnEmbed() {
    assertCompose("[{'insert':{'embed':1},'attributes':{'src':'http://quilljs.com/image.png'}}]",
        "[{'retain':1,'attributes':{'alt':'logo'}}]",
        "[{'insert':{'embed':1},'attributes':{'src':'http://quilljs.com/image.png','alt':'logo'}}]");
  }

  @Test
  void deletesTheEntireText() {
    assertCompose("[{'retain':4},{'insert':'Hello'}]", "[{'delete':9}]", "[{'delete':4}]");
  }

  @Test
  void retainingMoreThanTheTextKeepsIt() {
    assertCompose("[{'insert':'Hello'}]", "[{'retain':10}]", "[{'insert':'Hello'}]");
  }

  @Test
  void retainingAnEmbedKeepsIt() {
    assertCompose("[{'insert':{'embed':1}}]", "[{'retain':1}]", "[{'insert':{'embed':1}}]");
  }

  @Test
  void removingAllAttributesLeavesNone() {
    assertCompose("[{'insert':'A','attributes':{'bold':true}}]", "[{'retain':1,'attributes':{'bold':null}}]",
        "[{'insert':'A'}]");
    assertCompose("[{'insert':{'embed':2},'attributes':{'bold':true}}]",
        "[{'retain':1,'attributes':{'bold':null}}]", "[{'insert':{'embed':2}}]");
  }

  @Test
  void aNullAlreadyOnAnInsertSurvivesFormatting() {
    assertCompose("[{'insert':'A','attributes':{'bold':null}}]", "[{'retain':1,'attributes':{'color':'red'}}]",
        "[{'insert':'A','attributes':{'color':'red','bold':null}}]");
  }

  @Test
  void nullsInAnInsertOfOtherAreKept() {
    assertCompose("[{'insert':'A'}]", "[{'insert':'B','attributes':{'bold':null}}]",
        "[{'insert':'B','attributes':{'bold':null}},{'insert':'A'}]");
  }

  @Test
  void emptyAttributesOnARetainAreDropped() {
    assertCompose("[{'insert':'ab'}]", "[{'retain':1,'attributes':{}}]", "[{'insert':'ab'}]");
    assertCompose("[{'retain':1,'attributes':{}}]", "[{'retain':1,'attributes':{}}]", "[]");
  }

  @Test
  void splitsAFormattedInsertAndLeavesTheInputsUnchanged() {
    Delta a = delta("[{'insert':'Test','attributes':{'bold':true}}]");
    Delta b = delta("[{'retain':1,'attributes':{'color':'red'}},{'delete':2}]");
    assertDelta("[{'insert':'T','attributes':{'color':'red','bold':true}},{'insert':'t','attributes':{'bold':true}}]",
        a.compose(b));
    assertDelta("[{'insert':'Test','attributes':{'bold':true}}]", a);
    assertDelta("[{'retain':1,'attributes':{'color':'red'}},{'delete':2}]", b);
  }

  /** The reference does not refuse ops that overrun the document; Quire's apply does (§7). */
  @Nested
  class OverrunningTheDocument {
    @Test
    void aRetainPastTheEndStaysInTheResult() {
      assertCompose("[{'insert':'ac\\n'}]", "[{'retain':100},{'insert':'z'}]",
          "[{'insert':'ac\\n'},{'retain':97},{'insert':'z'}]");
    }

    @Test
    void aDeletePastTheEndIsAppended() {
      assertCompose("[{'insert':'ab'}]", "[{'retain':2},{'delete':3}]", "[{'insert':'ab'},{'delete':3}]");
    }
  }

  /** When other starts with a plain retain, this's leading whole inserts are copied unmerged. */
  @Nested
  class LeadingRetainShortcut {
    @Test
    void copiesLeadingInsertsAsTheyAre() {
      assertCompose("[{'insert':'A','attributes':{'bold':true}},{'insert':'B'},{'insert':'C','attributes':{'bold':true}},{'delete':1}]",
          "[{'retain':3},{'insert':'D'}]",
          "[{'insert':'A','attributes':{'bold':true}},{'insert':'B'},{'insert':'C','attributes':{'bold':true}},"
              + "{'insert':'D'},{'delete':1}]");
    }

    @Test
    void stopsAtTheFirstOpThatDoesNotFitAndSplitsTheRetain() {
      assertCompose("[{'insert':'A','attributes':{'bold':true}},{'insert':'B'},{'insert':'C','attributes':{'bold':true}},"
              + "{'retain':5},{'delete':1}]",
          "[{'retain':4},{'insert':'D'}]",
          "[{'insert':'A','attributes':{'bold':true}},{'insert':'B'},{'insert':'C','attributes':{'bold':true}},"
              + "{'retain':1},{'insert':'D'},{'retain':4},{'delete':1}]");
    }

    @Test
    void leavesUnmergedInsertsUnmerged() {
      assertCompose("[{'insert':'A'},{'insert':'B'}]", "[{'retain':5}]", "[{'insert':'A'},{'insert':'B'}]");
    }

    @Test
    void mergesOnlyWhatIsPushedAfterTheCopiedInserts() {
      assertCompose("[{'insert':'A'},{'insert':'B'}]", "[{'retain':2},{'insert':'C'}]",
          "[{'insert':'A'},{'insert':'BC'}]");
      assertCompose("[{'insert':'A'},{'insert':'B'},{'insert':'C'}]", "[{'retain':2}]",
          "[{'insert':'A'},{'insert':'BC'}]");
    }

    @Test
    void doesNotCopyAnInsertLongerThanTheRetain() {
      assertCompose("[{'insert':'AB'}]", "[{'retain':1},{'insert':'X'}]", "[{'insert':'AXB'}]");
    }

    @Test
    void isNotTakenWhenTheRetainHasAttributesEvenEmptyOnes() {
      assertCompose("[{'insert':'A'},{'insert':'B'}]", "[{'retain':2,'attributes':{}}]", "[{'insert':'AB'}]");
    }
  }

  /** Once other is used up and the last pushed op stood alone, the rest of this is copied raw. */
  @Nested
  class ExhaustedOtherShortcut {
    @Test
    void copiesTheRestAfterAPlainFirstPiece() {
      assertCompose("[{'insert':'A','attributes':{'bold':true}},{'insert':'B'},{'insert':'C','attributes':{'bold':true}}]",
          "[{'delete':1}]", "[{'insert':'B'},{'insert':'C','attributes':{'bold':true}}]");
    }

    @Test
    void mergesOnlyTheFirstCopiedOp() {
      assertCompose("[{'insert':'A'},{'insert':'B'},{'insert':'C'},{'insert':'D'}]", "[{'delete':1}]",
          "[{'insert':'BC'},{'insert':'D'}]");
      assertCompose("[{'insert':'A','attributes':{'bold':true}},{'insert':'B'},{'insert':'C','attributes':{'bold':true}},"
              + "{'insert':'D'},{'insert':'E','attributes':{'bold':true}},{'insert':'F'}]",
          "[{'retain':1},{'delete':1}]",
          "[{'insert':'AC','attributes':{'bold':true}},{'insert':'D'},{'insert':'E','attributes':{'bold':true}},"
              + "{'insert':'F'}]");
    }

    @Test
    void isNotTakenWhileTheLastPieceMergedWithTheOneBefore() {
      assertCompose("[{'insert':'A'},{'insert':'B'},{'insert':'C'}]",
          "[{'retain':1},{'retain':1,'attributes':{'bold':null}}]", "[{'insert':'ABC'}]");
    }
  }
}
