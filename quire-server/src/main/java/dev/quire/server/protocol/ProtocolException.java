package dev.quire.server.protocol;

/** A request refused with a stable code; the reply echoes the request with this error. */
public final class ProtocolException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String code;

  public ProtocolException(ErrorCode code, String message) {
    this(code.code(), message);
  }

  /** For codes that come from elsewhere (the OT core's {@code ERR_OT_...}). */
  public ProtocolException(String code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public String code() {
    return code;
  }
}
