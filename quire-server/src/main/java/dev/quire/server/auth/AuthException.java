package dev.quire.server.auth;

/** A refused account operation; {@link #problem()} is what the API turns into a stable code. */
public final class AuthException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why: each maps to one error code of the REST API. */
  public enum Problem {
    BAD_INPUT,
    NAME_TAKEN,
    BAD_CREDENTIALS,
    THROTTLED,
    SIGNUP_CLOSED,
    SETUP_DONE,
    NOT_SIGNED_IN,
    NOT_FOUND
  }

  private final Problem problem;

  public AuthException(Problem problem, String message) {
    super(message);
    this.problem = problem;
  }

  public Problem problem() {
    return problem;
  }
}
