package dev.quire.server.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.ot.AttributeMap;
import dev.quire.ot.Delta;
import dev.quire.ot.Op;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;

/**
 * What a document may contain, checked by the server on every op (with accounts; see {@link
 * Access#open()}), so that a hostile client cannot store a script for others' browsers even if a
 * browser's own filter failed: attribute names on an allow-list (Quill's formats), attribute
 * values that are scalars, embeds of known kinds, and link, image and video URLs of safe schemes
 * only. The web app filters links again when it renders them (defence in depth).
 */
final class ContentPolicy {
  /**
   * The format that anchors a comment thread to the text it is about: its value is the thread's
   * id (or null to take the anchor away). It is the one thing a commenter may change.
   */
  static final String COMMENT = "comment";
  /** Quill's formats: the ones the toolbar makes, and the ones pasting HTML can make. */
  static final Set<String> ATTRIBUTES = Set.of("bold", "italic", "underline", "strike", "code", "link", "script",
      "color", "background", "font", "size", "align", "direction", "header", "list", "indent", "blockquote",
      "code-block", "width", "height", "alt", COMMENT);
  static final Set<String> EMBEDS = Set.of("image", "video", "formula");
  static final Set<String> LINK_SCHEMES = Set.of("http", "https", "mailto", "tel");
  static final Set<String> MEDIA_SCHEMES = Set.of("http", "https");
  static final int MAX_VALUE_CHARS = 4096;

  private ContentPolicy() {}

  /** Why {@code op} may not be stored, or null if it may. */
  static String problem(Delta op) {
    for (int i = 0; i < op.size(); i++) {
      Op o = op.get(i);
      String p = attributesProblem(o.attributes(), i);
      if (p == null && o.isEmbed()) {
        p = embedProblem(o, i);
      }
      if (p != null) {
        return p;
      }
    }
    return null;
  }

  /**
   * Whether {@code op} only anchors comments or takes anchors away: retains whose only attribute
   * is {@link #COMMENT}, no text or embed inserted, nothing deleted, no other format changed. What
   * a commenter may submit.
   */
  static boolean onlyComments(Delta op) {
    for (int i = 0; i < op.size(); i++) {
      Op o = op.get(i);
      if (!o.isRetain() || o.embed() != null) {
        return false;
      }
      AttributeMap a = o.attributes();
      if (a != null) {
        for (String key : a.keys()) {
          if (!key.equals(COMMENT)) {
            return false;
          }
        }
      }
    }
    return true;
  }

  private static String attributesProblem(AttributeMap attributes, int i) {
    if (attributes == null) {
      return null;
    }
    for (String key : attributes.keys()) {
      if (!ATTRIBUTES.contains(key)) {
        return "op[" + i + "]: the attribute \"" + key + "\" is not a format Quire knows";
      }
      JsonNode v = attributes.get(key);
      if (v.isContainerNode() || v.isTextual() && v.textValue().length() > MAX_VALUE_CHARS) {
        return "op[" + i + "]: the value of \"" + key + "\" must be a string of at most " + MAX_VALUE_CHARS
            + " characters, a number, a boolean or null";
      }
      if (key.equals(COMMENT) && !(v.isNull() || v.isTextual() && v.textValue().matches("[A-Za-z0-9_-]{1,64}"))) {
        return "op[" + i + "]: a comment anchor is a comment thread's id";
      }
      if (key.equals("link") && v.isTextual() && !safe(v.textValue(), LINK_SCHEMES, false)) {
        return "op[" + i + "]: links may only be http, https, mailto or tel";
      }
    }
    return null;
  }

  private static String embedProblem(Op o, int i) {
    Iterator<String> names = o.embed().fieldNames();
    String kind = names.hasNext() ? names.next() : null;
    if (kind == null || names.hasNext() || !EMBEDS.contains(kind)) {
      return "op[" + i + "]: an embed is one of " + EMBEDS;
    }
    JsonNode v = o.embed().get(kind);
    if (!v.isTextual() || v.textValue().length() > (kind.equals("image") ? 4 * 1024 * 1024 : MAX_VALUE_CHARS)) {
      return "op[" + i + "]: a " + kind + " embed's value is a string";
    }
    if (!kind.equals("formula") && !safe(v.textValue(), MEDIA_SCHEMES, kind.equals("image"))) {
      return "op[" + i + "]: " + kind + " URLs may only be http or https" + (kind.equals("image") ? " (or a data: image)" : "");
    }
    return null;
  }

  /**
   * Whether a URL's scheme, if it has one, is allowed. Tabs, newlines and other control
   * characters are ignored as browsers ignore them inside a scheme ("java\tscript:"); anything
   * before the first colon that is not a clean allowed scheme (entities, odd characters) is
   * refused. A URL without a colon before its first / ? # is relative: harmless.
   */
  static boolean safe(String url, Set<String> schemes, boolean dataImages) {
    String compact = url.strip().replaceAll("[\\u0000-\\u001f\\u007f\\s]", "");
    int colon = compact.indexOf(':');
    if (colon < 0) {
      return true;
    }
    String before = compact.substring(0, colon);
    if (before.indexOf('&') >= 0 || before.indexOf('%') >= 0) {
      return false; // entities or escapes before the colon: a scheme in disguise
    }
    if (before.indexOf('/') >= 0 || before.indexOf('?') >= 0 || before.indexOf('#') >= 0) {
      return true; // the colon is in a path or query of a relative URL
    }
    String scheme = before.toLowerCase(Locale.ROOT);
    if (schemes.contains(scheme)) {
      return true;
    }
    return dataImages && scheme.equals("data")
        && compact.toLowerCase(Locale.ROOT).matches("data:image/(png|gif|jpeg|webp);base64,[a-z0-9+/=]*");
  }
}
