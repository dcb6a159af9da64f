package dev.quire.server.catalog;

/**
 * The name a person gives the web app ("who edited last"), until accounts exist. It is only a
 * label, never an identity: anyone can claim any name. It is cleaned so it can be shown anywhere
 * and stored as a key-free column: no control characters, no lone surrogates, spaces collapsed,
 * at most {@value #MAX_LENGTH} UTF-16 units.
 */
public final class DisplayNames {
  private DisplayNames() {}

  public static final int MAX_LENGTH = 64;

  /** The cleaned name, or null when nothing is left of it. */
  public static String clean(String raw) {
    if (raw == null) {
      return null;
    }
    StringBuilder sb = new StringBuilder();
    boolean space = false;
    for (int i = 0; i < raw.length() && sb.length() < MAX_LENGTH; i++) {
      char c = raw.charAt(i);
      if (Character.isWhitespace(c)) {
        space = sb.length() > 0;
        continue;
      }
      if (Character.isISOControl(c)) {
        continue;
      }
      if (Character.isHighSurrogate(c) && i + 1 < raw.length() && Character.isLowSurrogate(raw.charAt(i + 1))) {
        if (sb.length() + (space ? 3 : 2) > MAX_LENGTH) {
          break;
        }
        sb.append(space ? " " : "").append(c).append(raw.charAt(++i));
        space = false;
        continue;
      }
      if (Character.isSurrogate(c)) {
        continue;
      }
      if (space) {
        if (sb.length() + 2 > MAX_LENGTH) {
          break;
        }
        sb.append(' ');
        space = false;
      }
      sb.append(c);
    }
    return sb.length() == 0 ? null : sb.toString();
  }
}
