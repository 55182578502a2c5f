package io.simstream.indexer.write;

/**
 * What one item of a bulk response means for its op, from its status and Elasticsearch's typed
 * {@code error.type}, never from the reason text.
 */
enum BulkItemOutcome {
  /** Taken, or a delete of a document (or index) that is not there: gone either way. */
  APPLIED,
  /** 409: Elasticsearch holds this version or a newer one. */
  CONFLICT,
  /** The index behind the write alias is gone: create it again, then retry. */
  INDEX_MISSING,
  /** Overload, node trouble, or a state an operator can lift (write block, closed index): retry. */
  RETRY,
  /** The document itself is bad (mapping, dims): dead-letter it. */
  REJECTED;

  private static final int CONFLICT_STATUS = 409;
  private static final int FORBIDDEN = 403;
  private static final int NOT_FOUND = 404;
  private static final int TOO_MANY_REQUESTS = 429;

  static BulkItemOutcome of(WriteOp op, int status, String errorType) {
    boolean delete = op.action() == WriteOp.Action.DELETE;
    if (status < 300 || (status == NOT_FOUND && delete)) {
      return APPLIED;
    }
    if (status == CONFLICT_STATUS) {
      return CONFLICT;
    }
    if ("index_not_found_exception".equals(errorType)) {
      return INDEX_MISSING;
    }
    if (status == TOO_MANY_REQUESTS || status >= 500 || status == FORBIDDEN || status == NOT_FOUND
        || "index_closed_exception".equals(errorType) || "cluster_block_exception".equals(errorType)) {
      return RETRY;
    }
    return REJECTED;
  }
}
