package io.simstream.indexer.embed;

import java.util.Map;
import java.util.Optional;

/** Finds the embedding model a run names; events needing a missing model are dead-lettered. */
@FunctionalInterface
public interface EmbedderProvider {
  Optional<ImageEmbedder> find(String model);

  /** No models: only runs with precomputed vectors can be indexed. */
  static EmbedderProvider none() {
    return model -> Optional.empty();
  }

  static EmbedderProvider of(Map<String, ImageEmbedder> byModel) {
    Map<String, ImageEmbedder> copy = Map.copyOf(byModel);
    return model -> Optional.ofNullable(copy.get(model));
  }
}
