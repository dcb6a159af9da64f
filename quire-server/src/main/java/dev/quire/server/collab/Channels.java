package dev.quire.server.collab;

/** Bus channel names, as ShareDB names them (sharedb-protocol.md §5). */
public final class Channels {
  private Channels() {}

  /** The channel of a document's committed ops: {@code c.d}. */
  public static String ops(String collection, String docId) {
    return collection + "." + docId;
  }

  /** The channel of presence on presence channel {@code ch}. */
  public static String presence(String ch) {
    return "$presence." + ch;
  }
}
