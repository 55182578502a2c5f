package io.simstream.api.model;

import io.simstream.api.error.BackendUnavailableException;
import io.simstream.api.error.BadRequestException;
import io.simstream.embedding.Embedder;
import io.simstream.embedding.EmbeddingException;
import io.simstream.embedding.EmbeddingResult;
import io.simstream.embedding.ImageInput;
import java.util.List;
import java.util.Optional;

/** An embedding module {@link Embedder} as the API uses it, its failures turned into API errors. */
final class EmbedderModel {
  private EmbedderModel() {
  }

  static EmbeddingModel describe(String model, Embedder embedder) {
    return new EmbeddingModel(embedder.dimensions(), embedder.supportsPrompts() ? Optional.of(text -> {
      try {
        return embedder.embedText(text);
      } catch (EmbeddingException e) {
        throw unavailable(model, e);
      }
    }) : Optional.empty(), Optional.of(image -> embedImage(model, embedder, image)));
  }

  /** The bytes are embedded in memory, with the limits of the API's own {@code embedding.*} settings. */
  private static float[] embedImage(String model, Embedder embedder, byte[] image) {
    EmbeddingResult result;
    try {
      result = embedder.embedImages(List.of(ImageInput.ofBytes(image))).get(0);
    } catch (EmbeddingException e) {
      throw unavailable(model, e);
    }
    if (result.retryable()) {
      throw new BackendUnavailableException(BackendUnavailableException.Reason.MODEL_BUSY, "model '" + model
          + "' could not take the image now: " + result.error(), null);
    }
    if (!result.isSuccess()) {
      throw new BadRequestException("image cannot be embedded: " + result.error());
    }
    return result.vector();
  }

  static BackendUnavailableException unavailable(String model, EmbeddingException e) {
    return new BackendUnavailableException(BackendUnavailableException.Reason.MODEL_UNAVAILABLE,
        "model '" + model + "' is configured on this server but cannot be used: " + e.getMessage(), e);
  }
}
