package io.simstream.embedding;

/**
 * One image could not be fetched or decoded; its {@link EmbeddingFailure} says whether a retry may help.
 * The embedders report it as a failed {@link EmbeddingResult}.
 */
public final class ImageLoadException extends Exception {

  private final EmbeddingFailure failure;

  public ImageLoadException(EmbeddingFailure failure, String message) {
    super(message);
    this.failure = failure;
  }

  public EmbeddingFailure failure() {
    return failure;
  }
}
