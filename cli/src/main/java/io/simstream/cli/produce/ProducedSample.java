package io.simstream.cli.produce;

import io.simstream.cli.source.SourceSample;
import io.simstream.event.Patch;
import io.simstream.run.SimilarityRun;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What --wait remembers of a sent sample: which documents each run should hold for it. Vectors are
 * dropped (only their keys and sizes are kept), so waiting on a large dataset costs little memory.
 */
record ProducedSample(String sampleId, boolean hasImage, Map<String, float[]> vectorKeys, List<Patch> patches) {
  /** Stand-ins for vectors, one shared array per size: the runs' rules look at the keys and the sizes only. */
  private static final Map<Integer, float[]> OF_SIZE = new ConcurrentHashMap<>();

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

  /** As the indexer's RunVectors: a model run ignores a sent vector of another size and embeds the image. */
  private boolean indexable(SimilarityRun run, Map<String, float[]> keys) {
    float[] vector = run.vectorFrom(keys);
    if (run.isPrecomputed()) {
      return vector != null;
    }
    return vector != null && vector.length == run.dims() || hasImage;
  }

  private static Map<String, float[]> keysOf(Map<String, float[]> embeddings) {
    Map<String, float[]> keys = new HashMap<>();
    embeddings.forEach((key, vector) -> keys.put(key, OF_SIZE.computeIfAbsent(vector.length, float[]::new)));
    return keys;
  }
}
