package io.simstream.api.prompt;

import java.util.Optional;

/**
 * Finds the text embedder of a model by name. This is the seam where the embedding module plugs
 * in its text towers (pass an implementation to {@code QueryApi.start}); until then
 * {@link #none()} is used, no model supports prompts, and text queries answer 400.
 */
@FunctionalInterface
public interface TextEmbedders {
  Optional<TextEmbedder> forModel(String model);

  static TextEmbedders none() {
    return model -> Optional.empty();
  }
}
