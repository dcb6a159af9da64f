package dev.quire.ot;

import static dev.quire.ot.TestJson.delta;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** quill-delta {@code test/op-iterator.ts}. */
class OpIteratorTest {
  private final Delta delta = delta("[{'insert':'Hello','attributes':{'bold':true}},{'retain':3},"
      + "{'insert':{'embed':2},'attributes':{'src':'http://quilljs.com/'}},{'delete':4}]");

  private static Op op(String json) {
    return delta("[" + json + "]").get(0);
  }

  @Test
  void hasNextIsTrueBeforeTheEndAndFalseForNoOps() {
    assertTrue(new OpIterator(delta.ops()).hasNext());
    assertFalse(new OpIterator(List.of()).hasNext());
  }

  @Test
  void peekLengthIsWhatIsLeftOfTheCurrentOp() {
    OpIterator iter = new OpIterator(delta.ops());
    assertEquals(5, iter.peekLength());
    iter.next();
    assertEquals(3, iter.peekLength());
    iter.next();
    assertEquals(1, iter.peekLength());
    iter.next();
    assertEquals(4, iter.peekLength());
    iter.next(2);
    assertEquals(2, iter.peekLength());
  }

  @Test
  void peekLengthPastTheEndIsInfinite() {
    assertEquals(Op.INFINITY, new OpIterator(List.of()).peekLength());
  }

  @Test
  void peekTypeIsRetainPastTheEnd() {
    OpIterator iter = new OpIterator(delta.ops());
    assertEquals(Op.Type.INSERT, iter.peekType());
    iter.next();
    assertEquals(Op.Type.RETAIN, iter.peekType());
    iter.next();
    assertEquals(Op.Type.INSERT, iter.peekType());
    iter.next();
    assertEquals(Op.Type.DELETE, iter.peekType());
    iter.next();
    assertEquals(Op.Type.RETAIN, iter.peekType());
  }

  @Test
  void nextGivesWholeOpsThenInfiniteRetains() {
    OpIterator iter = new OpIterator(delta.ops());
    for (Op op : delta.ops()) {
      assertEquals(op, iter.next());
    }
    Op infinite = Op.retain(Op.INFINITY, null);
    assertEquals(infinite, iter.next());
    assertEquals(infinite, iter.next(4));
    assertEquals(infinite, iter.next());
  }

  @Test
  void nextWithALengthCutsOpsAndKeepsTheirAttributes() {
    OpIterator iter = new OpIterator(delta.ops());
    assertEquals(op("{'insert':'He','attributes':{'bold':true}}"), iter.next(2));
    assertEquals(op("{'insert':'llo','attributes':{'bold':true}}"), iter.next(10));
    assertEquals(op("{'retain':1}"), iter.next(1));
    assertEquals(op("{'retain':2}"), iter.next(2));
  }

  @Test
  void nextWithLengthZeroMeansTheRestOfTheOp() {
    OpIterator iter = new OpIterator(delta.ops());
    iter.next(1);
    assertEquals(op("{'insert':'ello','attributes':{'bold':true}}"), iter.next(0));
  }

  @Test
  void restCutsTheCurrentOpWithoutAdvancing() {
    OpIterator iter = new OpIterator(delta.ops());
    iter.next(2);
    assertEquals(delta("[{'insert':'llo','attributes':{'bold':true}},{'retain':3},"
        + "{'insert':{'embed':2},'attributes':{'src':'http://quilljs.com/'}},{'delete':4}]").ops(), iter.rest());
    iter.next(3);
    assertEquals(delta.ops().subList(1, 4), iter.rest());
    iter.next(3);
    iter.next(2);
    iter.next(4);
    assertEquals(List.of(), iter.rest());
  }
}
