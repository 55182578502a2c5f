package io.simstream.api.model;

import java.util.Optional;

/** What the API needs of a model a run names: its vector size, and its text tower if it has one. */
public record EmbeddingModel(int dimensions, Optional<TextEmbedder> text) {
}
