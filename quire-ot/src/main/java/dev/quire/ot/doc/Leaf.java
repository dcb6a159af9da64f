package dev.quire.ot.doc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.ot.AttributeMap;
import java.util.Arrays;

/**
 * A leaf of the {@link RichDocument} tree: up to {@code max} UTF-16 units of text in one array,
 * cut into runs that share attributes. An embed is a run of length 1 holding the embed object,
 * with {@link RichDocument#EMBED_CHAR} standing in the text so offsets stay simple.
 *
 * <p>Adjacent text runs with equal attributes are kept merged, so a leaf of plain typing is one
 * run and the common keystroke costs one array copy of at most {@code max} characters.
 */
final class Leaf extends Node {
  char[] chars;
  int runCount;
  int[] runLen;
  AttributeMap[] runAttrs;
  ObjectNode[] runEmbed;

  Leaf(long epoch) {
    super(epoch);
    chars = new char[16];
    runLen = new int[4];
    runAttrs = new AttributeMap[4];
    runEmbed = new ObjectNode[4];
  }

  /** A copy owned by {@code epoch}, with arrays of its own (attributes and embeds are immutable, so shared). */
  private Leaf(Leaf from, long epoch) {
    super(epoch);
    length = from.length;
    runCount = from.runCount;
    chars = from.chars.clone();
    runLen = from.runLen.clone();
    runAttrs = from.runAttrs.clone();
    runEmbed = from.runEmbed.clone();
  }

  Leaf copy(long epoch) {
    return new Leaf(this, epoch);
  }

  /** Inserts {@code text[from, to)} (or one embed, when {@code embed} is not null) at {@code offset}. */
  void insert(int offset, String text, int from, int to, ObjectNode embed, AttributeMap attrs) {
    int n = embed != null ? 1 : to - from;
    if (length + n > chars.length) {
      chars = Arrays.copyOf(chars, Math.max(length + n, chars.length * 2));
    }
    System.arraycopy(chars, offset, chars, offset + n, length - offset);
    if (embed != null) {
      chars[offset] = RichDocument.EMBED_CHAR;
    } else {
      text.getChars(from, to, chars, offset);
    }
    length += n;
    insertRun(offset, n, attrs, embed);
  }

  private void insertRun(int offset, int n, AttributeMap attrs, ObjectNode embed) {
    if (runCount == 0) {
      addRun(0, n, attrs, embed);
      return;
    }
    int r = 0;
    int start = 0;
    while (r < runCount - 1 && start + runLen[r] < offset) {
      start += runLen[r];
      r++;
    }
    int end = start + runLen[r];
    if (offset == start) { // only at the leaf's start
      if (mergeable(r, attrs, embed)) {
        runLen[r] += n;
      } else {
        addRun(r, n, attrs, embed);
      }
    } else if (offset == end) {
      if (mergeable(r, attrs, embed)) {
        runLen[r] += n;
      } else if (r + 1 < runCount && mergeable(r + 1, attrs, embed)) {
        runLen[r + 1] += n;
      } else {
        addRun(r + 1, n, attrs, embed);
      }
    } else if (mergeable(r, attrs, embed)) {
      runLen[r] += n;
    } else {
      splitRun(r, offset - start);
      addRun(r + 1, n, attrs, embed);
    }
  }

  private boolean mergeable(int r, AttributeMap attrs, ObjectNode embed) {
    return embed == null && runEmbed[r] == null && AttributeMap.equal(runAttrs[r], attrs);
  }

  private void addRun(int at, int len, AttributeMap attrs, ObjectNode embed) {
    if (runCount == runLen.length) {
      int cap = runCount * 2;
      runLen = Arrays.copyOf(runLen, cap);
      runAttrs = Arrays.copyOf(runAttrs, cap);
      runEmbed = Arrays.copyOf(runEmbed, cap);
    }
    int tail = runCount - at;
    System.arraycopy(runLen, at, runLen, at + 1, tail);
    System.arraycopy(runAttrs, at, runAttrs, at + 1, tail);
    System.arraycopy(runEmbed, at, runEmbed, at + 1, tail);
    runLen[at] = len;
    runAttrs[at] = attrs;
    runEmbed[at] = embed;
    runCount++;
  }

  /** Cuts run {@code r} after {@code first} of its units (never an embed, which has length 1). */
  private void splitRun(int r, int first) {
    addRun(r + 1, runLen[r] - first, runAttrs[r], null);
    runLen[r] = first;
  }

  /** Makes a run boundary at {@code offset}; returns the index of the run that starts there. */
  private int boundaryAt(int offset) {
    int start = 0;
    for (int r = 0; r < runCount; r++) {
      if (start == offset) {
        return r;
      }
      int end = start + runLen[r];
      if (offset < end) {
        splitRun(r, offset - start);
        return r + 1;
      }
      start = end;
    }
    return runCount;
  }

  void delete(int offset, int n) {
    System.arraycopy(chars, offset + n, chars, offset, length - offset - n);
    length -= n;
    int from = boundaryAt(offset);
    int to = boundaryAt(offset + n);
    removeRuns(from, to);
    compact();
  }

  private void removeRuns(int from, int to) {
    int tail = runCount - to;
    System.arraycopy(runLen, to, runLen, from, tail);
    System.arraycopy(runAttrs, to, runAttrs, from, tail);
    System.arraycopy(runEmbed, to, runEmbed, from, tail);
    for (int r = from + tail; r < runCount; r++) {
      runAttrs[r] = null;
      runEmbed[r] = null;
    }
    runCount = from + tail;
  }

  /** Applies a retain's attributes to {@code [offset, offset + n)}: quill-delta's compose of an insert with a retain. */
  void format(int offset, int n, AttributeMap attrs) {
    int from = boundaryAt(offset);
    int to = boundaryAt(offset + n);
    for (int r = from; r < to; r++) {
      runAttrs[r] = AttributeMap.compose(runAttrs[r], attrs, false);
    }
    compact();
  }

  /** Merges neighbouring text runs whose attributes became equal. */
  private void compact() {
    int w = 0;
    for (int r = 0; r < runCount; r++) {
      if (w > 0 && runEmbed[r] == null && mergeable(w - 1, runAttrs[r], null)) {
        runLen[w - 1] += runLen[r];
        continue;
      }
      runLen[w] = runLen[r];
      runAttrs[w] = runAttrs[r];
      runEmbed[w] = runEmbed[r];
      w++;
    }
    for (int r = w; r < runCount; r++) {
      runAttrs[r] = null;
      runEmbed[r] = null;
    }
    runCount = w;
  }

  /** Moves the second half of this leaf into a new leaf, which it returns. */
  Leaf splitOff() {
    int mid = length / 2;
    int r = boundaryAt(mid);
    Leaf right = new Leaf(epoch);
    right.chars = Arrays.copyOfRange(chars, mid, Math.max(chars.length, mid + 16));
    right.length = length - mid;
    int moved = runCount - r;
    right.runLen = Arrays.copyOfRange(runLen, r, r + Math.max(moved, 4));
    right.runAttrs = Arrays.copyOfRange(runAttrs, r, r + Math.max(moved, 4));
    right.runEmbed = Arrays.copyOfRange(runEmbed, r, r + Math.max(moved, 4));
    right.runCount = moved;
    removeRuns(r, runCount);
    length = mid;
    return right;
  }

  /** Appends {@code right}'s content to this leaf ({@code right} is only read: it may be shared). */
  void absorb(Leaf right) {
    if (length + right.length > chars.length) {
      chars = Arrays.copyOf(chars, length + right.length);
    }
    System.arraycopy(right.chars, 0, chars, length, right.length);
    length += right.length;
    for (int r = 0; r < right.runCount; r++) {
      addRun(runCount, right.runLen[r], right.runAttrs[r], right.runEmbed[r]);
    }
    compact();
  }

  @Override
  void appendTo(DocumentBuilder out) {
    int start = 0;
    for (int r = 0; r < runCount; r++) {
      if (runEmbed[r] != null) {
        out.embed(runEmbed[r], runAttrs[r]);
      } else {
        out.text(chars, start, runLen[r], runAttrs[r]);
      }
      start += runLen[r];
    }
  }

  @Override
  int check(int maxLeaf, int maxKids, boolean isRoot) {
    if (length > maxLeaf) {
      throw new IllegalStateException("leaf holds " + length + " > " + maxLeaf);
    }
    if (length == 0 && !isRoot) {
      throw new IllegalStateException("empty leaf below the root");
    }
    int sum = 0;
    for (int r = 0; r < runCount; r++) {
      if (runLen[r] <= 0 || (runEmbed[r] != null && runLen[r] != 1)) {
        throw new IllegalStateException("bad run length " + runLen[r]);
      }
      if (runAttrs[r] != null && runAttrs[r].isEmpty()) {
        throw new IllegalStateException("empty attribute map kept in a run");
      }
      if (r > 0 && runEmbed[r] == null && mergeable(r - 1, runAttrs[r], null)) {
        throw new IllegalStateException("unmerged neighbouring runs");
      }
      sum += runLen[r];
    }
    if (sum != length) {
      throw new IllegalStateException("runs cover " + sum + " of " + length);
    }
    return 1;
  }
}
