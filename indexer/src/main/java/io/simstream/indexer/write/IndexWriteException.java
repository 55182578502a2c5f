package io.simstream.indexer.write;

/** Elasticsearch did not take writes; the reason says whether waiting could have helped. */
public final class IndexWriteException extends RuntimeException {
  public enum Reason {
    /** Retryable failures lasted past the retry budget. */
    RETRIES_EXHAUSTED,
    /** The whole request was refused (401, 403, 413 ...): retrying the same request cannot help. */
    REQUEST_REFUSED,
    /** The run's index cannot be checked or created within the retry budget. */
    INDEX_UNAVAILABLE,
    /**
     * The run's index does not exist and Elasticsearch refuses to create it (403, a bad name...):
     * that run waits, the others go on; once the index exists, the backfill fills it.
     */
    INDEX_REFUSED
  }

  private final Reason reason;

  public IndexWriteException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
