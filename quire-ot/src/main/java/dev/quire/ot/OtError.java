package dev.quire.ot;

/** The stable codes of everything the OT core can refuse. They go on the wire as they are. */
public enum OtError {
  /** The op is not a well-formed Delta, or does not fit the document it is applied to. */
  OP_BADLY_FORMED("ERR_OT_OP_BADLY_FORMED"),
  /** The op has more components than {@link OtLimits#maxOpComponents()}. */
  OP_TOO_MANY_COMPONENTS("ERR_OT_OP_TOO_MANY_COMPONENTS"),
  /** The op's JSON text is longer than {@link OtLimits#maxOpBytes()}. */
  OP_TOO_LARGE("ERR_OT_OP_TOO_LARGE"),
  /** Applying the op would make the document longer than {@link OtLimits#maxDocLength()}. */
  DOC_TOO_LARGE("ERR_OT_DOC_TOO_LARGE");

  private final String code;

  OtError(String code) {
    this.code = code;
  }

  /** The code as sent to clients, e.g. {@code ERR_OT_OP_BADLY_FORMED}. */
  public String code() {
    return code;
  }
}
