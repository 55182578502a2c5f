package io.simstream.api.model;

import java.util.Optional;

/**
 * What the API needs of a model a run names: its vector size, its text tower if it has one, and its
 * image tower, which every model has.
 */
public record EmbeddingModel(int dimensions, Optional<TextEmbedder> text, Optional<ImageQueryEmbedder> image) {

  /** A model known only by its text tower (tests of prompts). */
  public EmbeddingModel(int dimensions, Optional<TextEmbedder> text) {
    this(dimensions, text, Optional.empty());
  }
}
