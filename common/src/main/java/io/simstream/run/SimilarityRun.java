package io.simstream.run;

import io.simstream.event.SampleKey;
import java.time.Instant;
import java.util.Map;

/**
 * A similarity index of one dataset (a "run", as FiftyOne calls a brain method's result): which
 * Elasticsearch index holds it, which vectors go in and how they are compared.
 *
 * @param id           stable identity, kept across renames of the brain key
 * @param model        {@link #PRECOMPUTED} when producers send the vectors, else an embedding model name
 * @param patchesField null for an index of whole samples, else the label field whose patches are indexed
 * @param indexOptions Elasticsearch dense_vector index type, e.g. int8_hnsw
 * @param embeddingsKey the brain key the run was created with: producers key its vectors so, and a
 *                     rename must not change what their events mean (null in records written before
 *                     it was kept: the brain key)
 * @param layout       shards and replicas of the run's index when simstream creates it (null in records written
 *                     before layouts existed: {@link IndexLayout#DEFAULT})
 */
public record SimilarityRun(String id, String dataset, String brainKey, String indexName, String model,
                            Metric metric, int dims, String patchesField, String indexOptions,
                            boolean supportsPrompts, Instant createdAt, String embeddingsKey, IndexLayout layout) {
  public static final String PRECOMPUTED = "precomputed";
  /** The embeddings key a producer may use when an event carries one vector for every run. */
  public static final String DEFAULT_EMBEDDING = "default";

  public SimilarityRun {
    embeddingsKey = embeddingsKey == null ? brainKey : embeddingsKey;
    layout = layout == null ? IndexLayout.DEFAULT : layout; // runs recorded before layouts existed
  }

  /** A new run in the {@link IndexLayout#DEFAULT} layout, whose vectors are keyed by its brain key. */
  public SimilarityRun(String id, String dataset, String brainKey, String indexName, String model, Metric metric,
                       int dims, String patchesField, String indexOptions, boolean supportsPrompts,
                       Instant createdAt) {
    this(id, dataset, brainKey, indexName, model, metric, dims, patchesField, indexOptions, supportsPrompts,
        createdAt, brainKey, IndexLayout.DEFAULT);
  }

  /** The key of this run on the runs topic. */
  public String key() {
    return keyOf(dataset, brainKey);
  }

  public static String keyOf(String dataset, String brainKey) {
    return SampleKey.prefixOf(dataset) + brainKey;
  }

  public boolean indexesPatches() {
    return patchesField != null;
  }

  public boolean isPrecomputed() {
    return PRECOMPUTED.equals(model);
  }

  public SimilarityRun withBrainKey(String newBrainKey) {
    return new SimilarityRun(id, dataset, newBrainKey, indexName, model, metric, dims, patchesField, indexOptions,
        supportsPrompts, createdAt, embeddingsKey, layout);
  }

  /**
   * The vector an event carries for this run: the one keyed by the brain key it was created with,
   * else by its brain key now, else by the model, else the default one; null when the event carries
   * none (it must then be embedded). The creation key comes first so that after two runs swapped
   * names each still reads its own producers' vectors.
   */
  public float[] vectorFrom(Map<String, float[]> embeddings) {
    float[] vector = embeddings.get(embeddingsKey);
    if (vector == null) {
      vector = embeddings.get(brainKey);
    }
    if (vector == null && !isPrecomputed()) {
      vector = embeddings.get(model);
    }
    return vector != null ? vector : embeddings.get(DEFAULT_EMBEDDING);
  }
}
