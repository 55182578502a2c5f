package io.simstream.embedding;

import java.util.Objects;

/** Outcome for one image: either a vector or a failure kind with a human-readable reason. */
public record EmbeddingResult(float[] vector, EmbeddingFailure failure, String error) {

  public EmbeddingResult {
    if ((vector == null) == (failure == null)) {
      throw new IllegalArgumentException("exactly one of vector and failure must be set");
    }
  }

  public static EmbeddingResult success(float[] vector) {
    return new EmbeddingResult(Objects.requireNonNull(vector), null, null);
  }

  public static EmbeddingResult failed(EmbeddingFailure failure, String error) {
    return new EmbeddingResult(null, Objects.requireNonNull(failure), error);
  }

  public boolean isSuccess() {
    return vector != null;
  }

  /** True for a failure that may go away if the image is loaded again later. */
  public boolean retryable() {
    return failure != null && failure.retryable();
  }
}
