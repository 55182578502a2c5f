package io.simstream.api.model;

import io.simstream.embedding.EmbedderRegistry;
import io.simstream.embedding.EmbeddingException;
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
        return registry.find(model).map(embedder -> EmbedderModel.describe(model, embedder));
      } catch (EmbeddingException e) {
        throw EmbedderModel.unavailable(model, e);
      }
    };
  }
}
