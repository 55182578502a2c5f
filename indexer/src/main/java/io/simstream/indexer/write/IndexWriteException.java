package io.simstream.indexer.write;

/** Elasticsearch did not take writes; the reason says whether waiting could have helped. */
public final class IndexWriteException extends RuntimeException {
  public enum Reason {
    /** Retryable failures lasted past the retry budget. */
    RETRIES_EXHAUSTED,
    /**
     * A whole bulk was refused (401, 403 ...), or an index check met rejected credentials or an untrusted
     * certificate: retrying the same request cannot help, a restart that reads corrected configuration may.
     */
    REQUEST_REFUSED,
    /** The run's index cannot be checked or created within the retry budget: Elasticsearch out of reach. */
    INDEX_UNAVAILABLE,
    /**
     * The run's index, not known to this process yet, could not be checked or created just now
     * (Elasticsearch unreachable, 5xx): its writes wait {@link #retryAfterMs} without holding the
     * caller, until the retry budget is spent and it becomes {@link #INDEX_UNAVAILABLE}.
     */
    INDEX_PENDING,
    /**
     * Elasticsearch refuses to create the missing index of the run, or its index cannot take the run's
     * documents (another mapping): nothing of the run is in it, so that run waits and the others go on; once
     * the index is usable (a new one), the backfill fills it.
     */
    INDEX_REFUSED,
    /**
     * Elasticsearch refuses to show the run's index, not known to this process (a 403 on that index, a bad
     * name): whether it exists and holds the run's documents is unknown, so its writes may only be skipped
     * where nothing of the run was ever written; elsewhere they are owed until it shows (see DocumentSync).
     */
    INDEX_UNREADABLE
  }

  private final Reason reason;
  private final long retryAfterMs;

  public IndexWriteException(Reason reason, String message, Throwable cause) {
    this(reason, message, cause, 0);
  }

  public IndexWriteException(Reason reason, String message, Throwable cause, long retryAfterMs) {
    super(message, cause);
    this.reason = reason;
    this.retryAfterMs = retryAfterMs;
  }

  public Reason reason() {
    return reason;
  }

  /**
   * Whether Elasticsearch refuses the run's index itself ({@link Reason#INDEX_REFUSED}, {@link Reason#INDEX_UNREADABLE}):
   * asked again later, since only an operator lifts it, and never a reason to restart.
   */
  public boolean refusesIndex() {
    return reason == Reason.INDEX_REFUSED || reason == Reason.INDEX_UNREADABLE;
  }

  /** Lets only {@link Reason#INDEX_PENDING} through: the caller's later try goes on, anything else fails it. */
  public void rethrowUnlessPending() {
    if (reason != Reason.INDEX_PENDING) {
      throw this;
    }
  }

  /** For {@link Reason#INDEX_PENDING}: how long before asking again is worth it. */
  public long retryAfterMs() {
    return retryAfterMs;
  }
}
