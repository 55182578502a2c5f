package io.simstream.api.error;

/**
 * Elasticsearch, Kafka or a configured model cannot serve the request now: a 503, whose {@link Reason} says why
 * without anyone having to read the message.
 */
public final class BackendUnavailableException extends ApiException {
  /** Sent as Retry-After: long enough for a node restart to make progress, short enough to feel live. */
  public static final int RETRY_AFTER_SECONDS = 5;

  /** Why the backend cannot serve. */
  public enum Reason {
    /** No connection, or a timeout. */
    UNREACHABLE,
    /** 429 or 5xx from Elasticsearch, a search some shards failed, or a point in time lost mid-request. */
    OVERLOADED,
    /** Elasticsearch refused the API's own credentials (401/403): a configuration problem for the operator. */
    CREDENTIALS_REJECTED,
    /**
     * The run's index is closed, or an index block refuses the action (e.g. {@code index.blocks.read}): an
     * operator's state of the index, not a bug and not the API's credentials; it serves again once opened or unblocked.
     */
    INDEX_BLOCKED,
    /** The TLS handshake failed on the server's certificate: the operator must configure trust (or the host). */
    CERTIFICATE_REJECTED,
    /** A Kafka write that did not complete in time. */
    WRITE_FAILED,
    /** An embedding model this server is configured with cannot be opened or run (missing or broken files). */
    MODEL_UNAVAILABLE,
    /** A model could not take a query's image now (no decode memory free in time, say): the same image may work later. */
    MODEL_BUSY
  }

  private final Reason reason;

  public BackendUnavailableException(Reason reason, String message, Throwable cause) {
    super(503, message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
