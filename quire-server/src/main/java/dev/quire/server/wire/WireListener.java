package dev.quire.server.wire;

/** What the wire tells the protocol layer. Calls for one connection never overlap and come in order. */
public interface WireListener {
  void onOpen(WireConnection connection);

  /**
   * A connection opened with these query parameters on its URL (the web app passes the person's
   * display name there). By default they are ignored.
   */
  default void onOpen(WireConnection connection, java.util.Map<String, java.util.List<String>> query) {
    onOpen(connection);
  }

  /**
   * A connection opened by {@code principal} (what the {@link UpgradeGate} admitted it as; null
   * for anonymous). By default it is ignored.
   */
  default void onOpen(WireConnection connection, java.util.Map<String, java.util.List<String>> query, Object principal) {
    onOpen(connection, query);
  }

  void onText(WireConnection connection, String text);

  void onClose(WireConnection connection, int code, String reason);
}
