package dev.quire.ot.doc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.ot.AttributeMap;
import dev.quire.ot.Delta;
import dev.quire.ot.Op;
import dev.quire.ot.OtException;
import dev.quire.ot.OtLimits;
import dev.quire.ot.RichText;

/**
 * The server's in-memory rich-text document: a B+tree of leaves holding attributed runs, counted
 * by length, so applying an op costs O(components × log n + the length it touches), not O(n).
 * A keystroke in a 1 MB document costs about what it costs in a 1 KB one, where composing Deltas
 * (what the npm reference does) copies the whole text every time.
 *
 * <p>{@link #apply} has the result of {@code RichText.apply(toDelta(), op)}: the same checks
 * (nothing past the end, limits) before anything changes, and the same document afterwards, in
 * canonical form. One difference is deliberate: an empty attribute map {@code {}} on an insert is
 * stored as no attributes. quill-delta keeps such a {@code {}} or drops it depending on which of
 * its code paths an op takes, which no editor can see or rely on.
 *
 * <p>Not thread-safe: a document belongs to its sequencer. {@link #freeze} gives, in O(1), a
 * {@link FrozenDocument} of the current state that any thread may read while this one goes on
 * changing: the tree is copy-on-write across a freeze (see {@link Node#epoch}), so the next change
 * copies the path it touches (a leaf and a few inner nodes) once, rather than the whole text.
 */
public final class RichDocument {
  /** What an embed occupies in {@link #text()}: U+FFFC OBJECT REPLACEMENT CHARACTER. */
  public static final char EMBED_CHAR = '\uFFFC';

  private static final int DEFAULT_LEAF = 1024;
  private static final int DEFAULT_FANOUT = 32;

  /** The most a document may hold, whatever the limits say: leaves count in ints. */
  private static final long HARD_MAX_LENGTH = Integer.MAX_VALUE - 64;

  private final int maxLeaf;
  private final int fanout;
  /** Nodes of this epoch are this document's alone; older ones may be shared with a frozen view. */
  private long epoch;
  private Node root = new Leaf(0);

  public RichDocument() {
    this(DEFAULT_LEAF, DEFAULT_FANOUT);
  }

  /** With small nodes, so tests reach splits and merges quickly. */
  RichDocument(int maxLeaf, int fanout) {
    if (maxLeaf < 4 || fanout < 4) {
      throw new IllegalArgumentException("maxLeaf and fanout must be at least 4");
    }
    this.maxLeaf = maxLeaf;
    this.fanout = fanout;
  }

  /** A document holding {@code doc}, which must contain only inserts. */
  public static RichDocument of(Delta doc, OtLimits limits) throws OtException {
    RichText.create(doc);
    RichDocument d = new RichDocument();
    d.apply(doc, limits);
    return d;
  }

  /** The document's length in UTF-16 code units, an embed counting 1. */
  public long length() {
    return root.length;
  }

  /**
   * Applies {@code op}, or refuses it with an {@link OtException} and changes nothing: a retain or
   * delete past the end is {@code ERR_OT_OP_BADLY_FORMED}, a result over the limit
   * {@code ERR_OT_DOC_TOO_LARGE}.
   */
  public void apply(Delta op, OtLimits limits) throws OtException {
    RichText.checkApplicable(root.length, op, limits);
    if (root.length + op.changeLength() > HARD_MAX_LENGTH) {
      limits = new OtLimits(limits.maxOpComponents(), limits.maxOpBytes(), HARD_MAX_LENGTH);
      limits.checkDocLength(root.length + op.changeLength());
    }
    int pos = 0;
    for (int i = 0; i < op.size(); i++) {
      Op c = op.get(i);
      AttributeMap attrs = c.attributes() == null || c.attributes().isEmpty() ? null : c.attributes();
      switch (c.type()) {
        case INSERT:
          if (c.isEmbed()) {
            insertPiece(pos, null, 0, 0, c.embed(), attrs);
            pos += 1;
          } else {
            insertText(pos, c.text(), attrs);
            pos += c.text().length();
          }
          break;
        case RETAIN:
          if (attrs != null) {
            ownRoot();
            format(root, pos, (int) c.length(), attrs);
          }
          pos += (int) c.length();
          break;
        default:
          delete(pos, (int) c.length());
      }
    }
  }

  /** The document as its canonical Delta (neighbouring inserts with equal attributes merged). */
  public Delta toDelta() {
    return toDelta(root);
  }

  /** The document's text, each embed written as {@link #EMBED_CHAR}. */
  public String text() {
    return text(root);
  }

  /**
   * The document as it is now, unchanged by whatever this document does next, readable from any
   * thread once handed over safely (through an executor or a queue). Costs O(1) here: the nodes
   * are shared, and from now on this document copies a node before it changes one of them. So a
   * snapshot of a long document can be walked and written off the thread that owns it.
   */
  public FrozenDocument freeze() {
    FrozenDocument frozen = new FrozenDocument(root);
    epoch++; // a long: it never comes back round to a live node's epoch
    return frozen;
  }

  static Delta toDelta(Node root) {
    DocumentBuilder out = new DocumentBuilder();
    root.appendTo(out);
    return out.build();
  }

  static String text(Node root) {
    StringBuilder sb = new StringBuilder(root.length);
    appendText(root, sb);
    return sb.toString();
  }

  /** Makes the root this epoch's own: copies it if a frozen view may share it. */
  private void ownRoot() {
    if (root.epoch != epoch) {
      root = copy(root);
    }
  }

  /**
   * Child {@code i} of {@code inner} (which this epoch owns), made this epoch's own. The slot is
   * written only when the child was copied: a reference store costs a GC write barrier, and this
   * runs at every level of every keystroke's descent.
   */
  private Node ownKid(Inner inner, int i) {
    Node kid = inner.kids[i];
    if (kid.epoch != epoch) {
      kid = copy(kid);
      inner.kids[i] = kid;
    }
    return kid;
  }

  private Node copy(Node node) {
    return node instanceof Leaf ? ((Leaf) node).copy(epoch) : ((Inner) node).copy(epoch);
  }

  private static void appendText(Node node, StringBuilder sb) {
    if (node instanceof Leaf) {
      sb.append(((Leaf) node).chars, 0, node.length);
    } else {
      Inner inner = (Inner) node;
      for (int i = 0; i < inner.count; i++) {
        appendText(inner.kids[i], sb);
      }
    }
  }

  // ---- insert ----

  private void insertText(int pos, String text, AttributeMap attrs) {
    // Pieces of at most half a leaf always fit after one split.
    int piece = maxLeaf / 2;
    for (int from = 0; from < text.length(); from += piece) {
      int to = Math.min(text.length(), from + piece);
      insertPiece(pos + from, text, from, to, null, attrs);
    }
  }

  private void insertPiece(int pos, String text, int from, int to, ObjectNode embed, AttributeMap attrs) {
    ownRoot();
    Node split = insert(root, pos, text, from, to, embed, attrs);
    if (split != null) {
      Inner newRoot = new Inner(fanout, epoch);
      newRoot.kids[0] = root;
      newRoot.kids[1] = split;
      newRoot.count = 2;
      newRoot.length = root.length + split.length;
      root = newRoot;
    }
  }

  /**
   * Inserts into the subtree, whose root this epoch owns; returns a new right sibling when the
   * node had to split.
   */
  private Node insert(Node node, int pos, String text, int from, int to, ObjectNode embed, AttributeMap attrs) {
    int n = embed != null ? 1 : to - from;
    if (node instanceof Leaf) {
      Leaf leaf = (Leaf) node;
      if (leaf.length + n <= maxLeaf) {
        leaf.insert(pos, text, from, to, embed, attrs);
        return null;
      }
      Leaf right = leaf.splitOff();
      if (pos <= leaf.length) {
        leaf.insert(pos, text, from, to, embed, attrs);
      } else {
        right.insert(pos - leaf.length, text, from, to, embed, attrs);
      }
      return right;
    }
    Inner inner = (Inner) node;
    int i = 0;
    // At a boundary the text goes to the end of the left child, so typing at the end of a
    // leaf keeps filling that leaf.
    while (i < inner.count - 1 && pos > inner.kids[i].length) {
      pos -= inner.kids[i].length;
      i++;
    }
    Node split = insert(ownKid(inner, i), pos, text, from, to, embed, attrs);
    inner.length += n;
    if (split != null) {
      inner.insertKid(i + 1, split);
      if (inner.count > fanout) {
        return inner.splitOff(fanout);
      }
    }
    return null;
  }

  // ---- delete ----

  private void delete(int pos, int n) {
    ownRoot();
    delete(root, pos, n);
    while (root instanceof Inner && ((Inner) root).count == 1) {
      root = ((Inner) root).kids[0];
    }
    if (root instanceof Inner && ((Inner) root).count == 0) {
      root = new Leaf(epoch);
    }
  }

  /**
   * Removes {@code [pos, pos + n)} of the subtree, whose root this epoch owns, where {@code n > 0}
   * and the range lies inside it.
   */
  private void delete(Node node, int pos, int n) {
    if (node instanceof Leaf) {
      ((Leaf) node).delete(pos, n);
      return;
    }
    Inner inner = (Inner) node;
    inner.length -= n;
    int i = 0;
    while (pos >= inner.kids[i].length) {
      pos -= inner.kids[i].length;
      i++;
    }
    int first = i;
    while (n > 0) {
      Node kid = inner.kids[i];
      int take = Math.min(n, kid.length - pos);
      if (pos == 0 && take == kid.length) {
        inner.removeKid(i); // a whole subtree goes at once: the cost is in children, not characters
      } else {
        delete(ownKid(inner, i), pos, take);
        i++;
      }
      n -= take;
      pos = 0;
    }
    // Only the children at the two ends of the range can have shrunk; merge them with a
    // neighbour if they became small, so the tree does not fill with near-empty nodes.
    int last = Math.min(i, inner.count - 1);
    for (int j = Math.min(last, inner.count - 2); j >= Math.max(0, first - 1); j--) {
      mergeIfSmall(inner, j);
    }
  }

  private void mergeIfSmall(Inner inner, int j) {
    if (j < 0 || j + 1 >= inner.count) {
      return;
    }
    Node a = inner.kids[j];
    Node b = inner.kids[j + 1];
    if (a instanceof Leaf) {
      Leaf la = (Leaf) a;
      Leaf lb = (Leaf) b;
      if ((la.length < maxLeaf / 4 || lb.length < maxLeaf / 4) && la.length + lb.length <= maxLeaf) {
        ((Leaf) ownKid(inner, j)).absorb(lb);
        inner.removeKid(j + 1);
      }
    } else {
      Inner ia = (Inner) a;
      Inner ib = (Inner) b;
      if ((ia.count < fanout / 4 || ib.count < fanout / 4) && ia.count + ib.count <= fanout) {
        ((Inner) ownKid(inner, j)).absorb(ib);
        inner.removeKid(j + 1);
      }
    }
  }

  // ---- format ----

  /** Composes {@code attrs} into the runs of {@code [pos, pos + n)} of the subtree, whose root this epoch owns. */
  private void format(Node node, int pos, int n, AttributeMap attrs) {
    if (node instanceof Leaf) {
      ((Leaf) node).format(pos, n, attrs);
      return;
    }
    Inner inner = (Inner) node;
    int i = 0;
    while (pos >= inner.kids[i].length) {
      pos -= inner.kids[i].length;
      i++;
    }
    while (n > 0) {
      Node kid = inner.kids[i];
      int take = Math.min(n, kid.length - pos);
      format(ownKid(inner, i), pos, take, attrs);
      n -= take;
      pos = 0;
      i++;
    }
  }

  /** The current root; for tests. */
  Node root() {
    return root;
  }

  /** Verifies the tree's structure; for tests. */
  void checkInvariants() {
    root.check(maxLeaf, fanout, true);
  }
}
