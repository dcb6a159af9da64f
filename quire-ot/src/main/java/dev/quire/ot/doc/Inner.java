package dev.quire.ot.doc;

/** An inner node of the {@link RichDocument} tree: children in order, each with its length. */
final class Inner extends Node {
  Node[] kids;
  int count;

  Inner(int fanout, long epoch) {
    super(epoch);
    kids = new Node[fanout + 1]; // one spare slot: a split is handled right after it overflows
  }

  /** A copy owned by {@code epoch}: its own array of children, the children themselves shared. */
  private Inner(Inner from, long epoch) {
    super(epoch);
    kids = from.kids.clone();
    count = from.count;
    length = from.length;
  }

  Inner copy(long epoch) {
    return new Inner(this, epoch);
  }

  void insertKid(int at, Node kid) {
    System.arraycopy(kids, at, kids, at + 1, count - at);
    kids[at] = kid;
    count++;
  }

  void removeKid(int at) {
    System.arraycopy(kids, at + 1, kids, at, count - at - 1);
    kids[--count] = null;
  }

  /** Moves the second half of the children into a new node, which it returns. */
  Inner splitOff(int fanout) {
    Inner right = new Inner(fanout, epoch);
    int mid = count / 2;
    for (int i = mid; i < count; i++) {
      right.kids[i - mid] = kids[i];
      right.length += kids[i].length;
      kids[i] = null;
    }
    right.count = count - mid;
    count = mid;
    length -= right.length;
    return right;
  }

  /** Appends {@code right}'s children (only read: it may be shared). */
  void absorb(Inner right) {
    System.arraycopy(right.kids, 0, kids, count, right.count);
    count += right.count;
    length += right.length;
  }

  @Override
  void appendTo(DocumentBuilder out) {
    for (int i = 0; i < count; i++) {
      kids[i].appendTo(out);
    }
  }

  @Override
  int check(int maxLeaf, int maxKids, boolean isRoot) {
    if (count > maxKids || count < (isRoot ? 2 : 1)) {
      throw new IllegalStateException("inner node with " + count + " children");
    }
    int sum = 0;
    int height = -1;
    for (int i = 0; i < count; i++) {
      int h = kids[i].check(maxLeaf, maxKids, false);
      if (height >= 0 && h != height) {
        throw new IllegalStateException("leaves at different depths");
      }
      height = h;
      sum += kids[i].length;
    }
    if (sum != length) {
      throw new IllegalStateException("inner length " + length + " but children sum to " + sum);
    }
    return height + 1;
  }
}
