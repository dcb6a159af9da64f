package dev.quire.server.auth;

import java.util.Locale;

/**
 * What a person may do with one document, strongest first. Each role can do everything the ones
 * after it can.
 */
public enum Role {
  /** Edits, shares, renames, deletes. The creator of a document is its owner. */
  OWNER,
  /** Edits the text and the title. */
  EDITOR,
  /**
   * Reads, sees and sends presence, reads and writes comments, and anchors comments in the text
   * (the "comment" format); changes nothing else.
   */
  COMMENTER,
  /** Reads, and sees and sends presence (cursors); submits no op. */
  VIEWER;

  public boolean canEdit() {
    return this == OWNER || this == EDITOR;
  }

  /** Whether this role may read and write comments (and anchor them in the text). */
  public boolean canComment() {
    return this != VIEWER;
  }

  public boolean canShare() {
    return this == OWNER;
  }

  /** The lower-case name used in the store, the API and on the wire. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** A document's general access as stored and sent: a role's key, or "none" for null. */
  public static String accessKey(Role access) {
    return access == null ? "none" : access.key();
  }

  /** The role named {@code key}, or null. */
  public static Role of(String key) {
    for (Role r : values()) {
      if (r.key().equals(key)) {
        return r;
      }
    }
    return null;
  }

  /** The stronger of two roles (null counts as none). */
  public static Role max(Role a, Role b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return a.ordinal() <= b.ordinal() ? a : b;
  }
}
