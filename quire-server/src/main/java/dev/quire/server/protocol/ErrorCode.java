package dev.quire.server.protocol;

/**
 * The stable error codes Quire puts on the wire, ShareDB's where ShareDB has one
 * (sharedb-protocol.md §2.7), Quire's own ({@code ERR_QUIRE_...} and the OT core's
 * {@code ERR_OT_...}) where it refuses more than the reference does.
 */
public enum ErrorCode {
  MESSAGE_BADLY_FORMED("ERR_MESSAGE_BADLY_FORMED"),
  CONNECTION_SEQ_INTEGER_OVERFLOW("ERR_CONNECTION_SEQ_INTEGER_OVERFLOW"),
  DOC_TYPE_NOT_RECOGNIZED("ERR_DOC_TYPE_NOT_RECOGNIZED"),
  DOC_ALREADY_CREATED("ERR_DOC_ALREADY_CREATED"),
  DOC_DOES_NOT_EXIST("ERR_DOC_DOES_NOT_EXIST"),
  DOC_WAS_DELETED("ERR_DOC_WAS_DELETED"),
  OP_VERSION_NEWER_THAN_CURRENT_SNAPSHOT("ERR_OP_VERSION_NEWER_THAN_CURRENT_SNAPSHOT"),
  SUBMIT_TRANSFORM_OPS_NOT_FOUND("ERR_SUBMIT_TRANSFORM_OPS_NOT_FOUND"),
  MAX_SUBMIT_RETRIES_EXCEEDED("ERR_MAX_SUBMIT_RETRIES_EXCEEDED"),
  OP_SUBMIT_REJECTED("ERR_OP_SUBMIT_REJECTED"),
  TYPE_DOES_NOT_SUPPORT_PRESENCE("ERR_TYPE_DOES_NOT_SUPPORT_PRESENCE"),
  QUERIES_NOT_SUPPORTED("ERR_QUIRE_QUERIES_NOT_SUPPORTED"),
  COLLECTION_NOT_FOUND("ERR_QUIRE_COLLECTION_NOT_FOUND"),
  RATE_LIMITED("ERR_QUIRE_RATE_LIMITED"),
  /** No role on the document: nothing of it may be read or written. */
  FORBIDDEN("ERR_QUIRE_FORBIDDEN"),
  /** A viewer's or commenter's op: the document is read-only for them. */
  READ_ONLY("ERR_QUIRE_READ_ONLY"),
  /** An op whose content the server does not store: an unknown attribute or embed, an unsafe URL. */
  CONTENT_REFUSED("ERR_QUIRE_CONTENT_REFUSED"),
  STORE_UNAVAILABLE("ERR_QUIRE_STORE_UNAVAILABLE"),
  /**
   * Ops from the version asked for were deleted by the retention policy (op-retention): a client
   * that far behind (or an op based on such a version) cannot be caught up by ops; it must fetch
   * the document afresh, without a version.
   */
  OPS_COMPACTED("ERR_QUIRE_OPS_COMPACTED"),
  SHUTTING_DOWN("ERR_QUIRE_SHUTTING_DOWN"),
  INTERNAL("ERR_UNKNOWN_ERROR");

  private final String code;

  ErrorCode(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }
}
