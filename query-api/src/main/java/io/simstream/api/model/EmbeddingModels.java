package io.simstream.api.model;

import io.simstream.embedding.Embedder;
import io.simstream.embedding.EmbedderRegistry;
import java.util.Optional;

/** Finds the embedding model a run names ("precomputed" is not a model and is never looked up). */
@FunctionalInterface
public interface EmbeddingModels {
  Optional<EmbeddingModel> find(String model);

  /** The embedding module's models: the bundled one, and CLIP when its files are configured. */
  static EmbeddingModels of(EmbedderRegistry registry) {
    return model -> registry.find(model).map(EmbeddingModels::describe);
  }

  private static EmbeddingModel describe(Embedder embedder) {
    return new EmbeddingModel(embedder.dimensions(),
        embedder.supportsPrompts() ? Optional.of(embedder::embedText) : Optional.empty());
  }
}
