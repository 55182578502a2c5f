package io.simstream.embedding;

/** One image could not be fetched or decoded; becomes a failed {@link EmbeddingResult}. */
final class ImageLoadException extends Exception {

  private final EmbeddingFailure failure;

  ImageLoadException(EmbeddingFailure failure, String message) {
    super(message);
    this.failure = failure;
  }

  EmbeddingFailure failure() {
    return failure;
  }
}
