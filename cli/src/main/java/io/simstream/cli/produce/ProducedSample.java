package io.simstream.cli.produce;

import io.simstream.cli.source.SourceSample;
import io.simstream.event.Patch;
import io.simstream.run.SimilarityRun;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What --wait remembers of a sent sample: which documents each run should hold for it. Vectors are
 * dropped (only their keys are kept), so waiting on a large dataset costs little memory.
 */
record ProducedSample(String sampleId, boolean hasImage, Map<String, float[]> vectorKeys, List<Patch> patches) {
  /** Stands in for every vector: the runs' selection rule only looks at the keys. */
  private static final float[] ANY_VECTOR = new float[0];

  static ProducedSample of(SourceSample sample) {
    boolean hasImage = sample.imageUri() != null && !sample.imageUri().isBlank();
    List<Patch> patches = sample.patches().stream()
        .map(p -> new Patch(p.labelId(), p.field(), null, p.boundingBox(), keysOf(p.embeddings()))).toList();
    return new ProducedSample(sample.sampleId(), hasImage, keysOf(sample.embeddings()), patches);
  }

  /**
   * Documents the run's index holds for this sample once indexed: 1 or 0 for a whole-sample run,
   * its patches of the run's field for a patch run. A sample without a vector for the run is
   * indexed only by a model run, from its image (SimilarityRun.vectorFrom decides, as in the indexer).
   */
  int expectedDocuments(SimilarityRun run) {
    if (!run.indexesPatches()) {
      return indexable(run, vectorKeys) ? 1 : 0;
    }
    int documents = 0;
    for (Patch patch : patches) {
      if (patch.belongsTo(run.patchesField()) && indexable(run, patch.embeddings())) {
        documents++;
      }
    }
    return documents;
  }

  private boolean indexable(SimilarityRun run, Map<String, float[]> keys) {
    return run.vectorFrom(keys) != null || (!run.isPrecomputed() && hasImage);
  }

  private static Map<String, float[]> keysOf(Map<String, float[]> embeddings) {
    Map<String, float[]> keys = new HashMap<>();
    embeddings.keySet().forEach(key -> keys.put(key, ANY_VECTOR));
    return keys;
  }
}
