package dev.quire.server.wire;

/** What the wire tells the protocol layer. Calls for one connection never overlap and come in order. */
public interface WireListener {
  void onOpen(WireConnection connection);

  void onText(WireConnection connection, String text);

  void onClose(WireConnection connection, int code, String reason);
}
