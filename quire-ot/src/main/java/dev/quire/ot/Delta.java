package dev.quire.ot;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A Quill Delta: a list of ops that is either a document (inserts only) or a change to one. A
 * literal port of quill-delta 4.2.2 ({@code src/Delta.ts}), the version that npm
 * {@code rich-text@4.1.0} runs, so that every result equals the browser client's as parsed JSON.
 *
 * <p>Canonical form is enforced in one place, {@link #push} (merging neighbours and putting an
 * insert before a delete) and {@link #chop} (dropping a final plain retain). Like quill-delta's,
 * a Delta is mutable only through the builder methods {@link #insert}, {@link #retain},
 * {@link #delete} and {@link #push}; the algorithms never modify their inputs. Ops themselves are
 * immutable. Inputs are assumed well formed: {@link dev.quire.ot.json.DeltaJson} rejects
 * malformed ones before they get here.
 */
public final class Delta {
  private final ArrayList<Op> ops;

  public Delta() {
    this.ops = new ArrayList<>();
  }

  /** A Delta holding exactly {@code ops}, as given: like {@code new Delta(ops)}, no normalising. */
  public Delta(List<Op> ops) {
    this.ops = new ArrayList<>(ops);
  }

  public List<Op> ops() {
    return Collections.unmodifiableList(ops);
  }

  public int size() {
    return ops.size();
  }

  public Op get(int i) {
    return ops.get(i);
  }

  /** Inserts text; an empty string is skipped and empty attributes are left out. */
  public Delta insert(String text, AttributeMap attributes) {
    if (text.isEmpty()) {
      return this;
    }
    return push(Op.insert(text, nonEmpty(attributes)));
  }

  public Delta insert(String text) {
    return insert(text, null);
  }

  public Delta insert(ObjectNode embed, AttributeMap attributes) {
    return push(Op.insertEmbed(embed, nonEmpty(attributes)));
  }

  public Delta delete(long length) {
    if (length <= 0) {
      return this;
    }
    return push(Op.delete(length));
  }

  public Delta retain(long length, AttributeMap attributes) {
    if (length <= 0) {
      return this;
    }
    return push(Op.retain(length, nonEmpty(attributes)));
  }

  public Delta retain(long length) {
    return retain(length, null);
  }

  private static AttributeMap nonEmpty(AttributeMap attributes) {
    return attributes != null && !attributes.isEmpty() ? attributes : null;
  }

  /**
   * Appends an op, merging it with the last one where quill-delta does: adjacent deletes add up;
   * an insert goes before a trailing delete; text inserts (not embeds) and retains with equal
   * attributes (absent equals absent, but absent differs from {@code {}}) merge.
   */
  public Delta push(Op newOp) {
    int index = ops.size();
    Op lastOp = index > 0 ? ops.get(index - 1) : null;
    if (lastOp != null) {
      if (newOp.isDelete() && lastOp.isDelete()) {
        ops.set(index - 1, Op.delete(lastOp.length() + newOp.length()));
        return this;
      }
      // Inserting before or after a delete at the same index is the same; prefer insert first.
      if (lastOp.isDelete() && newOp.isInsert()) {
        index -= 1;
        lastOp = index > 0 ? ops.get(index - 1) : null;
        if (lastOp == null) {
          ops.add(0, newOp);
          return this;
        }
      }
      if (AttributeMap.equal(newOp.attributes(), lastOp.attributes())) {
        if (newOp.isTextInsert() && lastOp.isTextInsert()) {
          ops.set(index - 1, Op.insert(lastOp.text() + newOp.text(), newOp.attributes()));
          return this;
        } else if (newOp.isRetain() && lastOp.isRetain()) {
          ops.set(index - 1, Op.retain(lastOp.length() + newOp.length(), newOp.attributes()));
          return this;
        }
      }
    }
    if (index == ops.size()) {
      ops.add(newOp);
    } else {
      ops.add(index, newOp);
    }
    return this;
  }

  /** Drops a final retain that has no attributes (one with {@code {}} stays, as in JavaScript). */
  public Delta chop() {
    if (!ops.isEmpty()) {
      Op last = ops.get(ops.size() - 1);
      if (last.isRetain() && last.length() != 0 && last.attributes() == null) {
        ops.remove(ops.size() - 1);
      }
    }
    return this;
  }

  /** The sum of the ops' lengths. */
  public long length() {
    long length = 0;
    for (Op op : ops) {
      length += op.length();
    }
    return length;
  }

  /** How much this Delta changes a document's length. */
  public long changeLength() {
    long length = 0;
    for (Op op : ops) {
      if (op.isInsert()) {
        length += op.length();
      } else if (op.isDelete()) {
        length -= op.length();
      }
    }
    return length;
  }

  /** The length of document this change reads: its retains plus its deletes. */
  public long baseLength() {
    long length = 0;
    for (Op op : ops) {
      if (!op.isInsert()) {
        length += op.length();
      }
    }
    return length;
  }

  /** True when every op is an insert: this Delta is a document. */
  public boolean isDocument() {
    for (Op op : ops) {
      if (!op.isInsert()) {
        return false;
      }
    }
    return true;
  }

  public Delta slice(long start) {
    return slice(start, Op.INFINITY);
  }

  /** The ops covering {@code [start, end)}, cut where needed (not re-merged, as in JavaScript). */
  public Delta slice(long start, long end) {
    ArrayList<Op> out = new ArrayList<>();
    OpIterator iter = new OpIterator(ops);
    long index = 0;
    while (index < end && iter.hasNext()) {
      Op nextOp;
      if (index < start) {
        nextOp = iter.next(start - index);
      } else {
        nextOp = iter.next(end - index);
        out.add(nextOp);
      }
      index += nextOp.length();
    }
    return new Delta(out);
  }

  /** This change followed by {@code other}, as one change. */
  public Delta compose(Delta other) {
    OpIterator thisIter = new OpIterator(ops);
    OpIterator otherIter = new OpIterator(other.ops);
    ArrayList<Op> out = new ArrayList<>();
    // Fast path: leading whole inserts of this that other's first plain retain keeps are copied
    // as they are, without merging (this is observable, so it is ported as is).
    Op firstOther = otherIter.peek();
    if (firstOther != null && firstOther.isRetain() && firstOther.attributes() == null) {
      long firstLeft = firstOther.length();
      while (thisIter.peekType() == Op.Type.INSERT && thisIter.peekLength() <= firstLeft) {
        firstLeft -= thisIter.peekLength();
        out.add(thisIter.next());
      }
      if (firstOther.length() - firstLeft > 0) {
        otherIter.next(firstOther.length() - firstLeft);
      }
    }
    Delta delta = new Delta();
    delta.ops.addAll(out);
    while (thisIter.hasNext() || otherIter.hasNext()) {
      if (otherIter.peekType() == Op.Type.INSERT) {
        delta.push(otherIter.next());
      } else if (thisIter.peekType() == Op.Type.DELETE) {
        delta.push(thisIter.next());
      } else {
        long length = Math.min(thisIter.peekLength(), otherIter.peekLength());
        Op thisOp = thisIter.next(length);
        Op otherOp = otherIter.next(length);
        if (otherOp.isRetain()) {
          // Keep nulls when composing two retains; an insert drops them.
          AttributeMap attributes =
              AttributeMap.compose(thisOp.attributes(), otherOp.attributes(), thisOp.isRetain());
          Op newOp;
          if (thisOp.isRetain()) {
            newOp = Op.retain(length, attributes);
          } else if (thisOp.isTextInsert()) {
            newOp = Op.insert(thisOp.text(), attributes);
          } else {
            newOp = Op.insertEmbed(thisOp.embed(), attributes);
          }
          delta.push(newOp);
          // Once other is only an implicit retain, the rest of this is copied as it is.
          if (!otherIter.hasNext() && delta.ops.get(delta.ops.size() - 1).equals(newOp)) {
            Delta rest = new Delta(thisIter.rest());
            return delta.concat(rest).chop();
          }
        } else if (otherOp.isDelete() && thisOp.isRetain()) {
          delta.push(otherOp);
        }
        // otherwise other deletes what this inserted: both disappear
      }
    }
    return delta.chop();
  }

  /** This Delta followed by {@code other}'s ops; only the seam is merged. */
  public Delta concat(Delta other) {
    Delta delta = new Delta(ops);
    if (!other.ops.isEmpty()) {
      delta.push(other.ops.get(0));
      delta.ops.addAll(other.ops.subList(1, other.ops.size()));
    }
    return delta;
  }

  /**
   * {@code other} rewritten to apply after this. With {@code priority} this Delta happened first:
   * its inserts go first at equal positions and its attribute values win.
   */
  public Delta transform(Delta other, boolean priority) {
    Delta fast = transformSimple(other, priority);
    return fast != null ? fast : transformGeneral(other, priority);
  }

  /**
   * {@link #transform} for the shape nearly every keystroke has — at most a plain retain, then one
   * insert or one delete — on both sides, by position arithmetic: the same result as the general
   * algorithm (checked case by case against it by {@code SimpleTransformTest}), without its
   * iterators and intermediate ops. A hot document transforms each op against every op committed
   * while it was in flight, about as many as there are people typing, so this is the server's
   * inner loop. Null when either op has another shape.
   */
  private Delta transformSimple(Delta other, boolean priority) {
    long p = simplePosition(this);
    long q = simplePosition(other);
    if (p < 0 || q < 0) {
      return null;
    }
    Op a = ops.get(ops.size() - 1);
    Op b = other.ops.get(other.ops.size() - 1);
    Delta out = new Delta();
    if (a.isInsert()) {
      long l = a.length();
      if (b.isInsert()) {
        return out.retain(q > p || (q == p && priority) ? q + l : q).push(b);
      }
      long m = b.length();
      if (p <= q) {
        return out.retain(q + l).push(b);
      }
      if (p >= q + m) {
        return out.retain(q).push(b);
      }
      // The insert lands inside the deleted range: the delete goes around it.
      return out.retain(q).delete(p - q).retain(l).delete(q + m - p);
    }
    long k = a.length();
    long at = q <= p ? q : Math.max(p, q - k);
    if (b.isInsert()) {
      return out.retain(at).push(b);
    }
    long m = b.length();
    long overlap = Math.max(0, Math.min(p + k, q + m) - Math.max(p, q));
    return m > overlap ? out.retain(at).delete(m - overlap) : out;
  }

  /**
   * Where a delta's one insert or delete is, if it is {@code [insert|delete]} or
   * {@code [retain n, insert|delete]} with a retain without attributes; else -1.
   */
  private static long simplePosition(Delta d) {
    int n = d.ops.size();
    if (n == 0 || n > 2 || d.ops.get(n - 1).isRetain()) {
      return -1;
    }
    if (n == 1) {
      return 0;
    }
    Op first = d.ops.get(0);
    return first.isRetain() && first.attributes() == null ? first.length() : -1;
  }

  /** The general transform: a literal port of quill-delta's. */
  Delta transformGeneral(Delta other, boolean priority) {
    OpIterator thisIter = new OpIterator(ops);
    OpIterator otherIter = new OpIterator(other.ops);
    Delta delta = new Delta();
    while (thisIter.hasNext() || otherIter.hasNext()) {
      if (thisIter.peekType() == Op.Type.INSERT
          && (priority || otherIter.peekType() != Op.Type.INSERT)) {
        delta.retain(thisIter.next().length());
      } else if (otherIter.peekType() == Op.Type.INSERT) {
        delta.push(otherIter.next());
      } else {
        long length = Math.min(thisIter.peekLength(), otherIter.peekLength());
        Op thisOp = thisIter.next(length);
        Op otherOp = otherIter.next(length);
        if (thisOp.isDelete()) {
          // Our delete makes their delete redundant or removes their retain.
          continue;
        } else if (otherOp.isDelete()) {
          delta.push(otherOp);
        } else {
          // We retain either their retain or their insert.
          delta.retain(
              length,
              AttributeMap.transform(thisOp.attributes(), otherOp.attributes(), priority));
        }
      }
    }
    return delta.chop();
  }

  /** Where {@code index} moves to after this change; with priority, an insert there goes after. */
  public long transformPosition(long index, boolean priority) {
    OpIterator thisIter = new OpIterator(ops);
    long offset = 0;
    while (thisIter.hasNext() && offset <= index) {
      long length = thisIter.peekLength();
      Op.Type nextType = thisIter.peekType();
      thisIter.next();
      if (nextType == Op.Type.DELETE) {
        index -= Math.min(length, index - offset);
        continue;
      } else if (nextType == Op.Type.INSERT && (offset < index || !priority)) {
        index += length;
      }
      offset += length;
    }
    return index;
  }

  /** The change that undoes this one when applied after it to {@code base}'s result. */
  public Delta invert(Delta base) {
    Delta inverted = new Delta();
    long baseIndex = 0;
    for (Op op : ops) {
      if (op.isInsert()) {
        inverted.delete(op.length());
      } else if (op.isRetain() && op.attributes() == null) {
        inverted.retain(op.length());
        baseIndex += op.length();
      } else {
        long length = op.length();
        Delta slice = base.slice(baseIndex, baseIndex + length);
        for (Op baseOp : slice.ops) {
          if (op.isDelete()) {
            inverted.push(baseOp);
          } else {
            inverted.retain(
                baseOp.length(), AttributeMap.invert(op.attributes(), baseOp.attributes()));
          }
        }
        baseIndex += length;
      }
    }
    return inverted.chop();
  }

  /** Structural equality of the op lists (lodash {@code isEqual} of the JSON forms). */
  @Override
  public boolean equals(Object o) {
    return o instanceof Delta && ops.equals(((Delta) o).ops);
  }

  @Override
  public int hashCode() {
    return ops.hashCode();
  }

  @Override
  public String toString() {
    return ops.toString();
  }
}
