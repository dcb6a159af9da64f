package dev.quire.ot.doc;

/**
 * A node of the {@link RichDocument} tree; {@link #length} is the length of its subtree.
 *
 * <p>{@link #epoch} is the document's epoch when the node was made or last copied. A node from an
 * earlier epoch may be shared with a {@link FrozenDocument}, so the document copies it (and so the
 * path down to it) before changing it, and never changes it in place again.
 */
abstract class Node {
  int length;
  final long epoch;

  Node(long epoch) {
    this.epoch = epoch;
  }

  abstract void appendTo(DocumentBuilder out);

  /** Verifies the structure below this node (for tests); returns the subtree's height. */
  abstract int check(int maxLeaf, int maxKids, boolean isRoot);
}
