package dev.quire.ot;

/**
 * An op or document that the OT core refuses, with a stable {@link OtError} code and a message
 * that says what is wrong and where (e.g. {@code op[2].retain: must be a positive integer, got
 * -1}). Thrown before anything is changed.
 */
public final class OtException extends Exception {
  private static final long serialVersionUID = 1L;

  private final OtError error;

  public OtException(OtError error, String message) {
    super(message, null, false, false); // refusals are expected input, not bugs: no stack trace
    this.error = error;
  }

  public OtError error() {
    return error;
  }

  /** The wire code, e.g. {@code ERR_OT_OP_BADLY_FORMED}. */
  public String code() {
    return error.code();
  }

  /** An {@link OtError#OP_BADLY_FORMED} refusal. */
  public static OtException badlyFormed(String message) {
    return new OtException(OtError.OP_BADLY_FORMED, message);
  }
}
