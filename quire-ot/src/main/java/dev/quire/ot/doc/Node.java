package dev.quire.ot.doc;

/** A node of the {@link RichDocument} tree; {@link #length} is the length of its subtree. */
abstract class Node {
  int length;

  abstract void appendTo(DocumentBuilder out);

  /** Verifies the structure below this node (for tests); returns the subtree's height. */
  abstract int check(int maxLeaf, int maxKids, boolean isRoot);
}
