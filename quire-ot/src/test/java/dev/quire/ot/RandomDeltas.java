package dev.quire.ot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded random documents and changes for the property tests.
 *
 * <p>Documents mix plain and formatted text, newlines, surrogate pairs and embeds, with attribute
 * values that include JSON nulls and objects (objects matter because invert compares them by
 * identity). Changes are valid against a given document length: Quire refuses the others before
 * they reach the algorithms, so the properties only need to hold for these. Half of all results
 * are built raw (possibly not canonical, as a client may send them), half through {@link
 * Delta#push}.
 */
public final class RandomDeltas {
  /** Text pieces; the emoji is a surrogate pair, so a cut can fall inside it. */
  private static final String[] PIECES = {"a", "bc", "xyz", "\n", "\u00e9", "\uD83D\uDE00", "\u65e5\u672c", " "};

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final Random random;

  public RandomDeltas(long seed) {
    this.random = new Random(seed);
  }

  public Random random() {
    return random;
  }

  /** A document: up to 5 inserts. */
  public Delta document() {
    List<Op> ops = new ArrayList<>();
    int n = random.nextInt(6);
    for (int i = 0; i < n; i++) {
      ops.add(insert());
    }
    return build(ops);
  }

  /** A change that reads at most {@code docLength}: no retain or delete reaches past the end. */
  public Delta change(long docLength) {
    List<Op> ops = new ArrayList<>();
    long left = docLength;
    int steps = random.nextInt(7);
    for (int i = 0; i < steps; i++) {
      int kind = left > 0 ? random.nextInt(3) : 0;
      if (kind == 0) {
        ops.add(insert());
      } else {
        long length = 1 + (long) random.nextInt((int) Math.min(left, 6));
        left -= length;
        ops.add(kind == 1 ? Op.retain(length, attributes()) : Op.delete(length));
      }
    }
    return build(ops);
  }

  /** A position in a document of length {@code docLength}, ends included. */
  public long position(long docLength) {
    return random.nextInt((int) docLength + 1);
  }

  private Delta build(List<Op> ops) {
    if (random.nextBoolean()) {
      return new Delta(ops);
    }
    Delta delta = new Delta();
    ops.forEach(delta::push);
    return delta;
  }

  private Op insert() {
    if (random.nextInt(5) == 0) {
      ObjectNode embed = JSON.objectNode();
      if (random.nextBoolean()) {
        embed.put("image", "cat.png");
      } else {
        embed.put("formula", "e=mc^2");
      }
      return Op.insertEmbed(embed, attributes());
    }
    StringBuilder text = new StringBuilder();
    int pieces = 1 + random.nextInt(3);
    for (int i = 0; i < pieces; i++) {
      text.append(PIECES[random.nextInt(PIECES.length)]);
    }
    return Op.insert(text.toString(), attributes());
  }

  /** No attributes (half the time) or a few, with JSON nulls among the values; never {@code {}}. */
  public AttributeMap attributes() {
    if (random.nextBoolean()) {
      return null;
    }
    AttributeMap.Builder b = AttributeMap.builder();
    int n = 1 + random.nextInt(3);
    for (int i = 0; i < n; i++) {
      switch (random.nextInt(4)) {
        case 0:
          b.put("bold", orNull(JSON.booleanNode(random.nextBoolean())));
          break;
        case 1:
          b.put("color", orNull(JSON.textNode(random.nextBoolean() ? "red" : "blue")));
          break;
        case 2:
          b.put("header", orNull(JSON.numberNode(1 + random.nextInt(2))));
          break;
        default:
          b.put("link", orNull(JSON.objectNode().put("href", random.nextBoolean() ? "a" : "b")));
      }
    }
    return b.build();
  }

  private JsonNode orNull(JsonNode value) {
    return random.nextInt(4) == 0 ? NullNode.getInstance() : value;
  }
}
