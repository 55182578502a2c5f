package io.simstream.api.error;

/** Elasticsearch or Kafka cannot be reached or is overloaded; the client should retry later. */
public final class BackendUnavailableException extends ApiException {
  /** Sent as Retry-After: long enough for a node restart to make progress, short enough to feel live. */
  public static final int RETRY_AFTER_SECONDS = 5;

  public BackendUnavailableException(String message, Throwable cause) {
    super(503, message, cause);
  }
}
