package dev.quire.ot.doc;

import dev.quire.ot.Delta;

/**
 * A {@link RichDocument} as it was when {@link RichDocument#freeze} was called. Its nodes are
 * never changed again (the document copies a node before changing one it shares), so any thread
 * may read it, once it was handed over through something that publishes safely (an executor, a
 * queue), while the document's owner goes on applying ops.
 */
public final class FrozenDocument {
  final Node root;

  FrozenDocument(Node root) {
    this.root = root;
  }

  /** The length in UTF-16 code units, an embed counting 1. */
  public long length() {
    return root.length;
  }

  /** The canonical Delta, as {@link RichDocument#toDelta} gave it at the freeze. */
  public Delta toDelta() {
    return RichDocument.toDelta(root);
  }

  /** The text, each embed written as {@link RichDocument#EMBED_CHAR}. */
  public String text() {
    return RichDocument.text(root);
  }
}
