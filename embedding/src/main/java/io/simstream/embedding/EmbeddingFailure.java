package io.simstream.embedding;

/** Why one image got no vector; {@link #retryable()} tells transient fetch problems from bad input. */
public enum EmbeddingFailure {
  /** The file or URL does not exist (missing file, HTTP 404/410). */
  NOT_FOUND(false),
  /** The path names a FIFO, a device, a directory or anything else that is not a regular file. */
  NOT_A_FILE(false),
  /** The server refused the request for good (HTTP 4xx other than 404, 408, 410, 429; an unfollowed 3xx). */
  REFUSED(false),
  /** I/O error, HTTP 5xx, 408 or 429 while fetching; may succeed later. */
  FETCH_FAILED(true),
  /** Fetching, or waiting for decode memory, took longer than the image timeout; may succeed later. */
  TIMEOUT(true),
  /** More bytes or pixels than the configured limits. */
  TOO_LARGE(false),
  /** Not an image format ImageIO reads (JPEG, PNG, GIF, BMP, WBMP, TIFF), or corrupt data. */
  UNDECODABLE(false),
  /** The input itself is invalid, e.g. an unsupported URI scheme. */
  INVALID_INPUT(false);

  private final boolean retryable;

  EmbeddingFailure(boolean retryable) {
    this.retryable = retryable;
  }

  /** True when the same input may load later (a server or network problem), so it is worth retrying. */
  public boolean retryable() {
    return retryable;
  }
}
