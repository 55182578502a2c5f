package io.simstream.api.model;

import io.simstream.api.error.BackendUnavailableException;
import io.simstream.api.error.BadRequestException;
import io.simstream.embedding.Embedder;
import io.simstream.embedding.EmbedderRegistry;
import io.simstream.embedding.EmbeddingException;
import io.simstream.embedding.EmbeddingResult;
import io.simstream.embedding.ImageInput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Finds the embedding model a run names ("precomputed" is not a model and is never looked up). */
@FunctionalInterface
public interface EmbeddingModels {
  Optional<EmbeddingModel> find(String model);

  /**
   * The embedding module's models: the bundled one, and CLIP when its files are configured. A model
   * that is configured but cannot be opened or run (a missing or corrupt file) is the operator's
   * problem, answered 503 with the module's message rather than a 500.
   */
  static EmbeddingModels of(EmbedderRegistry registry) {
    return model -> {
      try {
        return registry.find(model).map(embedder -> describe(model, embedder));
      } catch (EmbeddingException e) {
        throw unavailable(model, e);
      }
    };
  }

  private static EmbeddingModel describe(String model, Embedder embedder) {
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

  private static BackendUnavailableException unavailable(String model, EmbeddingException e) {
    return new BackendUnavailableException(BackendUnavailableException.Reason.MODEL_UNAVAILABLE,
        "model '" + model + "' is configured on this server but cannot be used: " + e.getMessage(), e);
  }
}
