package dev.quire.server.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.ot.Delta;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A document's title is a rich-text document of its own (collection {@value Library#TITLES},
 * same id) holding plain text, so that people renaming at once converge like any edit and see
 * each other's renames live. This class reads and writes such documents' text.
 */
final class Titles {
  private Titles() {}

  /** Longest title kept in the catalog and accepted by the REST API, in UTF-16 units. */
  static final int MAX_LENGTH = 200;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The text of a title document's snapshot ({@code {"v","data":{"ops":[…]},"type"}}); "" if it has none. */
  static String textOf(String snapshotJson) {
    JsonNode ops;
    try {
      ops = JSON.readTree(snapshotJson).path("data").path("ops");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    StringBuilder sb = new StringBuilder();
    for (JsonNode op : ops) {
      JsonNode insert = op.get("insert");
      if (insert != null && insert.isTextual()) {
        sb.append(insert.textValue());
      }
    }
    return sb.toString();
  }

  /**
   * The title as listed: line breaks (which a client may type into a title document) become
   * spaces, and a title longer than the limit is cut there (before a split surrogate pair).
   */
  static String forCatalog(String text) {
    String t = text.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ');
    if (t.length() > MAX_LENGTH) {
      int end = Character.isHighSurrogate(t.charAt(MAX_LENGTH - 1)) ? MAX_LENGTH - 1 : MAX_LENGTH;
      t = t.substring(0, end);
    }
    return t;
  }

  /** Why {@code title} is not acceptable from the REST API, or null if it is. */
  static String problem(String title) {
    if (title.length() > MAX_LENGTH) {
      return "a title has at most " + MAX_LENGTH + " characters, this one has " + title.length();
    }
    for (int i = 0; i < title.length(); i++) {
      char c = title.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return "a title cannot contain control characters or line breaks";
      }
      if (Character.isHighSurrogate(c) && i + 1 < title.length() && Character.isLowSurrogate(title.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return "a title cannot contain a lone UTF-16 surrogate";
      }
    }
    return null;
  }

  /** The op turning {@code from} into {@code to}: keep the common start and end, replace the middle. */
  static Delta change(String from, String to) {
    if (from.equals(to)) {
      return new Delta();
    }
    int start = 0;
    int max = Math.min(from.length(), to.length());
    while (start < max && from.charAt(start) == to.charAt(start)) {
      start++;
    }
    int end = 0;
    while (end < max - start
        && from.charAt(from.length() - 1 - end) == to.charAt(to.length() - 1 - end)) {
      end++;
    }
    // Never cut between the halves of a surrogate pair.
    if (start > 0 && Character.isHighSurrogate(from.charAt(start - 1))) {
      start--;
    }
    if (end > 0 && Character.isLowSurrogate(from.charAt(from.length() - end))) {
      end--;
    }
    Delta d = new Delta();
    if (start > 0) {
      d.retain(start);
    }
    if (from.length() - start - end > 0) {
      d.delete(from.length() - start - end);
    }
    String inserted = to.substring(start, to.length() - end);
    if (!inserted.isEmpty()) {
      d.insert(inserted);
    }
    return d;
  }
}
