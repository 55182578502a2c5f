package io.simstream.api.model;

import io.simstream.api.error.BackendUnavailableException;
import io.simstream.api.error.BadRequestException;
import io.simstream.embedding.Embedder;
import io.simstream.embedding.EmbeddingException;
import io.simstream.embedding.EmbeddingResult;
import io.simstream.embedding.ImageInput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

  /**
   * The embedder reads images by URI, with the indexer's limits on size and pixels: the bytes go
   * through a private temporary file, deleted once read.
   */
  private static float[] embedImage(String model, Embedder embedder, byte[] image) {
    Path file = null;
    try {
      file = Files.createTempFile("simstream-query-image-", ".img");
      Files.write(file, image);
      EmbeddingResult result = embedder.embedImages(List.of(ImageInput.of(file))).get(0);
      if (result.retryable()) {
        throw new BackendUnavailableException(BackendUnavailableException.Reason.MODEL_BUSY, "model '" + model
            + "' could not take the image now: " + result.error(), null);
      }
      if (!result.isSuccess()) {
        throw new BadRequestException("image cannot be embedded: " + result.error());
      }
      return result.vector();
    } catch (EmbeddingException e) {
      throw unavailable(model, e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot hold the query image in a temporary file", e);
    } finally {
      if (file != null) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException ignored) {
          // The temporary folder is cleaned by the system; a leftover query image is only a small file.
        }
      }
    }
  }

  static BackendUnavailableException unavailable(String model, EmbeddingException e) {
    return new BackendUnavailableException(BackendUnavailableException.Reason.MODEL_UNAVAILABLE,
        "model '" + model + "' is configured on this server but cannot be used: " + e.getMessage(), e);
  }
}
