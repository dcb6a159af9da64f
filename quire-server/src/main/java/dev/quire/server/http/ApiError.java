package dev.quire.server.http;

/** The stable error codes of the REST API, with their HTTP statuses; the message is for people. */
public enum ApiError {
  BAD_JSON(400, "ERR_API_BAD_JSON"),
  BAD_REQUEST(400, "ERR_API_BAD_REQUEST"),
  BAD_HISTORY_QUERY(400, "ERR_API_BAD_HISTORY_QUERY"),
  BAD_VERSION(400, "ERR_API_BAD_VERSION"),
  BAD_TIME(400, "ERR_API_BAD_TIME"),
  VERSION_AHEAD(400, "ERR_API_VERSION_AHEAD"),
  UNSUPPORTED_MEDIA_TYPE(415, "ERR_API_UNSUPPORTED_MEDIA_TYPE"),
  NOT_FOUND(404, "ERR_API_NOT_FOUND"),
  DOC_NOT_FOUND(404, "ERR_API_DOC_NOT_FOUND"),
  DOC_DELETED(409, "ERR_API_DOC_DELETED"),
  DOC_NOT_DELETED(409, "ERR_API_DOC_NOT_DELETED"),
  REFUSED(409, "ERR_API_REFUSED"),
  NOT_SIGNED_IN(401, "ERR_AUTH_NOT_SIGNED_IN"),
  BAD_TOKEN(401, "ERR_AUTH_BAD_TOKEN"),
  BAD_CREDENTIALS(401, "ERR_AUTH_BAD_CREDENTIALS"),
  FORBIDDEN(403, "ERR_AUTH_FORBIDDEN"),
  CSRF(403, "ERR_AUTH_CSRF"),
  ORIGIN_REFUSED(403, "ERR_AUTH_ORIGIN_REFUSED"),
  SIGNUP_CLOSED(403, "ERR_AUTH_SIGNUP_CLOSED"),
  SETUP_DONE(409, "ERR_AUTH_SETUP_DONE"),
  NAME_TAKEN(409, "ERR_AUTH_NAME_TAKEN"),
  USER_NOT_FOUND(404, "ERR_AUTH_USER_NOT_FOUND"),
  LAST_OWNER(409, "ERR_AUTH_LAST_OWNER"),
  LINK_NOT_FOUND(404, "ERR_AUTH_LINK_NOT_FOUND"),
  COMMENT_NOT_FOUND(404, "ERR_API_COMMENT_NOT_FOUND"),
  ORG_NOT_FOUND(404, "ERR_API_ORG_NOT_FOUND"),
  ALREADY_MEMBER(409, "ERR_AUTH_ALREADY_MEMBER"),
  THROTTLED(429, "ERR_AUTH_THROTTLED"),
  RATE_LIMITED(429, "ERR_API_RATE_LIMITED"),
  STORE_UNAVAILABLE(503, "ERR_QUIRE_STORE_UNAVAILABLE"),
  INTERNAL(500, "ERR_UNKNOWN_ERROR");

  final int status;
  final String code;

  ApiError(int status, String code) {
    this.status = status;
    this.code = code;
  }

  public String code() {
    return code;
  }

  /** Thrown by handlers; becomes {@code {"error":{"code","message"}}} with the status. */
  static final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final ApiError error;

    Failure(ApiError error, String message) {
      super(message);
      this.error = error;
    }
  }

  Failure failure(String message) {
    return new Failure(this, message);
  }
}
