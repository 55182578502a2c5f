package io.simstream.embedding;

/** Why one image got no vector; lets callers tell retryable fetch problems from bad content. */
public enum EmbeddingFailure {
  /** The file or URL does not exist (missing file, HTTP 404/410). */
  NOT_FOUND,
  /** I/O or HTTP error while fetching; may succeed later. */
  FETCH_FAILED,
  /** Fetching took longer than the configured image timeout; may succeed later. */
  TIMEOUT,
  /** More bytes or pixels than the configured limits. */
  TOO_LARGE,
  /** Not an image format ImageIO reads (JPEG, PNG, GIF, BMP, WBMP, TIFF), or corrupt data. */
  UNDECODABLE,
  /** The input itself is invalid, e.g. an unsupported URI scheme. */
  INVALID_INPUT
}
