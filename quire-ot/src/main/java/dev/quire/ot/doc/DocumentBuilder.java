package dev.quire.ot.doc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.ot.AttributeMap;
import dev.quire.ot.Delta;
import dev.quire.ot.Op;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects a document's runs into its canonical Delta: neighbouring text with equal attributes
 * becomes one insert (as quill-delta's {@code push} would merge it), embeds stay separate. Text is
 * gathered in one buffer so a long document is copied once, not once per run.
 */
final class DocumentBuilder {
  private final List<Op> ops = new ArrayList<>();
  private final StringBuilder text = new StringBuilder();
  private AttributeMap textAttrs;

  void text(char[] chars, int start, int len, AttributeMap attrs) {
    if (text.length() > 0 && !AttributeMap.equal(textAttrs, attrs)) {
      flush();
    }
    text.append(chars, start, len);
    textAttrs = attrs;
  }

  void embed(ObjectNode embed, AttributeMap attrs) {
    flush();
    ops.add(Op.insertEmbed(embed, attrs));
  }

  private void flush() {
    if (text.length() > 0) {
      ops.add(Op.insert(text.toString(), textAttrs));
      text.setLength(0);
    }
  }

  Delta build() {
    flush();
    return new Delta(ops);
  }
}
