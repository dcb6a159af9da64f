package dev.quire.ot;

import java.util.ArrayList;
import java.util.List;

/**
 * Walks a list of ops, handing out pieces of a requested length: quill-delta 4.2.2's
 * {@code Iterator}, the one walking abstraction that compose, transform, slice and invert share.
 * Past the end it yields an infinite retain.
 */
public final class OpIterator {
  private static final Op INFINITE_RETAIN = Op.retain(Op.INFINITY, null);

  private final List<Op> ops;
  private int index;
  private long offset;

  public OpIterator(List<Op> ops) {
    this.ops = ops;
  }

  public boolean hasNext() {
    return peekLength() < Op.INFINITY;
  }

  /** The rest of the current op. */
  public Op next() {
    return next(Op.INFINITY);
  }

  /** Up to {@code length} of the current op; 0 means the rest of it, as in JavaScript. */
  public Op next(long length) {
    if (length == 0) {
      length = Op.INFINITY;
    }
    if (index >= ops.size()) {
      return INFINITE_RETAIN;
    }
    Op nextOp = ops.get(index);
    long start = offset;
    long opLength = nextOp.length();
    if (length >= opLength - start) {
      length = opLength - start;
      index += 1;
      offset = 0;
      if (start == 0) {
        return nextOp; // the whole op: ops are immutable, so no copy is needed
      }
    } else {
      offset += length;
    }
    switch (nextOp.type()) {
      case DELETE:
        return Op.delete(length);
      case RETAIN:
        return Op.retain(length, nextOp.attributes());
      default:
        if (nextOp.isTextInsert()) {
          return Op.insert(
              nextOp.text().substring((int) start, (int) (start + length)), nextOp.attributes());
        }
        return nextOp; // an embed has length 1, so it is never split
    }
  }

  /** The current op, whole, or null past the end. */
  public Op peek() {
    return index < ops.size() ? ops.get(index) : null;
  }

  public long peekLength() {
    return index < ops.size() ? ops.get(index).length() - offset : Op.INFINITY;
  }

  /** The type of the current op; {@link Op.Type#RETAIN} past the end. */
  public Op.Type peekType() {
    return index < ops.size() ? ops.get(index).type() : Op.Type.RETAIN;
  }

  /** The remaining ops, the current one cut at the iterator's position. Does not advance. */
  public List<Op> rest() {
    if (!hasNext()) {
      return List.of();
    }
    if (offset == 0) {
      return ops.subList(index, ops.size());
    }
    int savedIndex = index;
    long savedOffset = offset;
    Op first = next();
    List<Op> out = new ArrayList<>(ops.size() - index + 1);
    out.add(first);
    out.addAll(ops.subList(index, ops.size()));
    index = savedIndex;
    offset = savedOffset;
    return out;
  }
}
