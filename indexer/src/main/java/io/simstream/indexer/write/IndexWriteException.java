package io.simstream.indexer.write;

/** Elasticsearch could not take the writes within the retry budget; the stream thread restarts. */
public final class IndexWriteException extends RuntimeException {
  public IndexWriteException(String message, Throwable cause) {
    super(message, cause);
  }
}
