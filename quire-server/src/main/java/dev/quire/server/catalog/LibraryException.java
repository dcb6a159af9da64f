package dev.quire.server.catalog;

/** Why a {@link Library} request was not carried out; nothing was changed by it. */
public final class LibraryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, for the API to turn into a status and a stable code. */
  public enum Problem { NOT_FOUND, DELETED, NOT_DELETED, REFUSED, UNAVAILABLE }

  private final Problem problem;

  public LibraryException(Problem problem, String message) {
    super(message);
    this.problem = problem;
  }

  public Problem problem() {
    return problem;
  }
}
