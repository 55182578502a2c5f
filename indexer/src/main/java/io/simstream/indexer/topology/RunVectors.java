package io.simstream.indexer.topology;

import io.simstream.run.SimilarityRun;
import io.simstream.run.VectorMath;
import java.util.Map;

/** The vector a run indexes for a sample or patch, checked and normalised as the run's metric needs. */
final class RunVectors {
  private RunVectors() {
  }

  /**
   * The raw vector: sent by the producer, else computed earlier by the run's model; null if none. A
   * model run ignores a sent vector of another size (typically a {@code default} meant for other
   * runs) and uses its model instead.
   *
   * @param computed    the vectors computed for the sample's image, or for the patch in patch runs
   * @param computedKey the key of the vector the run's model computes with the weights it has now
   *                    ({@link io.simstream.indexer.state.SampleState#computedKey})
   */
  static float[] raw(SimilarityRun run, Map<String, float[]> embeddings, Map<String, float[]> computed,
                     String computedKey) {
    float[] vector = run.vectorFrom(embeddings);
    if (run.isPrecomputed() || (vector != null && vector.length == run.dims())) {
      return vector;
    }
    return computed.get(computedKey);
  }

  /** Why the vector cannot go into the run's index, or null when it can. */
  static String problem(SimilarityRun run, float[] vector) {
    if (vector.length != run.dims()) {
      return "vector of " + vector.length + " dims for run '" + run.brainKey() + "' of " + run.dims() + " dims";
    }
    if (run.metric().normalizesVectors() && VectorMath.norm(vector) == 0) {
      return "zero vector cannot be normalised for run '" + run.brainKey() + "' (" + run.metric().apiName() + ")";
    }
    return null;
  }

  /** The vector to write, or null when there is none or it does not fit the run. */
  static float[] forIndex(SimilarityRun run, float[] raw) {
    if (raw == null || problem(run, raw) != null) {
      return null;
    }
    return run.metric().normalizesVectors() ? VectorMath.normalized(raw) : raw;
  }
}
