package io.simstream.embedding;

/** A model could not be loaded or run: a configuration or engine problem, not a bad input image. */
public class EmbeddingException extends RuntimeException {

  public EmbeddingException(String message) {
    super(message);
  }

  public EmbeddingException(String message, Throwable cause) {
    super(message, cause);
  }
}
