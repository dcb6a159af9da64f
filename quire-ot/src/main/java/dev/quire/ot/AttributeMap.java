package dev.quire.ot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * An immutable map of formatting attributes, and quill-delta's attribute algebra on it.
 *
 * <p>Values are arbitrary JSON; a JSON {@code null} value is present and means "remove this
 * format" in a retain. A Java {@code null} AttributeMap stands for JavaScript's {@code undefined}
 * (no attributes), which is different from the empty map {@code {}}: quill-delta never merges an
 * op that has {@code {}} with one that has no attributes. Maps are tiny (a handful of keys), so
 * they are two parallel arrays scanned linearly.
 */
public final class AttributeMap {
  public static final AttributeMap EMPTY = new AttributeMap(new String[0], new JsonNode[0]);

  private final String[] keys;
  private final JsonNode[] values;
  private int hash;

  private AttributeMap(String[] keys, JsonNode[] values) {
    this.keys = keys;
    this.values = values;
  }

  /** Builds a map in iteration order of {@code entries}; a later duplicate key replaces the first. */
  public static AttributeMap of(Map<String, ? extends JsonNode> entries) {
    Builder b = new Builder(entries.size());
    entries.forEach(b::put);
    return b.build();
  }

  public static Builder builder() {
    return new Builder(4);
  }

  public int size() {
    return keys.length;
  }

  public boolean isEmpty() {
    return keys.length == 0;
  }

  /** The value for {@code key}: {@code null} when absent, a {@link NullNode} when set to null. */
  public JsonNode get(String key) {
    for (int i = 0; i < keys.length; i++) {
      if (keys[i].equals(key)) {
        return values[i];
      }
    }
    return null;
  }

  public boolean containsKey(String key) {
    return get(key) != null;
  }

  public List<String> keys() {
    return List.of(keys);
  }

  public void forEach(BiConsumer<String, JsonNode> action) {
    for (int i = 0; i < keys.length; i++) {
      action.accept(keys[i], values[i]);
    }
  }

  /**
   * quill-delta {@code AttributeMap.compose(a, b, keepNull)}: {@code b}'s values win; unless
   * {@code keepNull}, {@code b}'s nulls are dropped; {@code a}'s keys that {@code b} lacks are
   * added (a null in {@code a} counts as a value). Returns {@code null} when the result is empty.
   */
  public static AttributeMap compose(AttributeMap a, AttributeMap b, boolean keepNull) {
    Builder out = new Builder((a == null ? 0 : a.size()) + (b == null ? 0 : b.size()));
    if (b != null) {
      for (int i = 0; i < b.keys.length; i++) {
        if (keepNull || !b.values[i].isNull()) {
          out.put(b.keys[i], b.values[i]);
        }
      }
    }
    if (a != null) {
      for (int i = 0; i < a.keys.length; i++) {
        if (b == null || b.get(a.keys[i]) == null) {
          out.put(a.keys[i], a.values[i]);
        }
      }
    }
    return out.size == 0 ? null : out.build();
  }

  /**
   * quill-delta {@code AttributeMap.transform(a, b, priority)}: without priority {@code b} simply
   * wins; with priority only {@code b}'s keys that {@code a} does not set survive.
   */
  public static AttributeMap transform(AttributeMap a, AttributeMap b, boolean priority) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return null;
    }
    if (!priority) {
      return b;
    }
    Builder out = new Builder(b.size());
    for (int i = 0; i < b.keys.length; i++) {
      if (a.get(b.keys[i]) == null) {
        out.put(b.keys[i], b.values[i]);
      }
    }
    return out.size == 0 ? null : out.build();
  }

  /**
   * quill-delta {@code AttributeMap.invert(attr, base)}: the attributes that undo {@code attr}
   * applied over {@code base}. Uses JavaScript {@code ===}, see {@link JsonValues#strictEquals}.
   * Never returns {@code null}.
   */
  public static AttributeMap invert(AttributeMap attr, AttributeMap base) {
    AttributeMap at = attr == null ? EMPTY : attr;
    AttributeMap bs = base == null ? EMPTY : base;
    Builder out = new Builder(at.size() + bs.size());
    for (int i = 0; i < bs.keys.length; i++) {
      JsonNode attrValue = at.get(bs.keys[i]);
      if (attrValue != null && !JsonValues.strictEquals(bs.values[i], attrValue)) {
        out.put(bs.keys[i], bs.values[i]);
      }
    }
    for (int i = 0; i < at.keys.length; i++) {
      JsonNode baseValue = bs.get(at.keys[i]);
      if (baseValue == null) {
        out.put(at.keys[i], NullNode.getInstance());
      }
    }
    return out.build();
  }

  /** lodash {@code isEqual} on two attribute maps, either of which may be {@code null}. */
  public static boolean equal(AttributeMap a, AttributeMap b) {
    return a == null ? b == null : a.equals(b);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof AttributeMap)) {
      return false;
    }
    AttributeMap other = (AttributeMap) o;
    if (other.keys.length != keys.length || (hash != 0 && other.hash != 0 && hash != other.hash)) {
      return false;
    }
    for (int i = 0; i < keys.length; i++) {
      if (!JsonValues.deepEquals(values[i], other.get(keys[i]))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      for (int i = 0; i < keys.length; i++) {
        h += keys[i].hashCode() ^ JsonValues.deepHash(values[i]);
      }
      h = h == 0 ? 1 : h;
      hash = h;
    }
    return h;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < keys.length; i++) {
      sb.append(i == 0 ? "" : ",").append(keys[i]).append('=').append(values[i]);
    }
    return sb.append('}').toString();
  }

  /** Collects entries in order; a repeated key replaces the earlier value in place. */
  public static final class Builder {
    private String[] keys;
    private JsonNode[] values;
    private int size;

    private Builder(int capacity) {
      keys = new String[Math.max(capacity, 1)];
      values = new JsonNode[keys.length];
    }

    public Builder put(String key, JsonNode value) {
      if (key == null || value == null) {
        throw new IllegalArgumentException("attribute key and value must not be null (use NullNode)");
      }
      for (int i = 0; i < size; i++) {
        if (keys[i].equals(key)) {
          values[i] = value;
          return this;
        }
      }
      if (size == keys.length) {
        keys = Arrays.copyOf(keys, size * 2);
        values = Arrays.copyOf(values, size * 2);
      }
      keys[size] = key;
      values[size] = value;
      size++;
      return this;
    }

    public AttributeMap build() {
      if (size == 0) {
        return EMPTY;
      }
      return new AttributeMap(Arrays.copyOf(keys, size), Arrays.copyOf(values, size));
    }
  }
}
