package dev.quire.server.store;

/**
 * The store could not do what was asked (unreachable, disk full, corrupt): an infrastructure
 * failure, not a conflict. Nothing acknowledged is lost; the caller reports an error and may retry.
 */
public final class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
