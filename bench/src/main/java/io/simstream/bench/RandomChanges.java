package io.simstream.bench;

import io.simstream.event.ChangeEvent;
import io.simstream.event.SampleAdded;
import io.simstream.event.SampleDeleted;
import io.simstream.event.SampleUpdated;
import io.simstream.run.SimilarityRun;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * An endless seeded history of adds, updates and deletes over a fixed set of sample ids, with the
 * dataset it leads to so far. Every add or update carries a fresh precomputed vector, so no prefix
 * of the history looks like its end. Not thread-safe: one producer thread calls {@link #next()}.
 */
final class RandomChanges {
  /** Out of ten, how many changes of a live sample delete it. */
  private static final int DELETES_IN_TEN = 3;

  private final String dataset;
  private final Random random;
  private final int sampleCount;
  private final int dims;
  private final Map<String, float[]> expected = new HashMap<>();

  RandomChanges(String dataset, long seed, int sampleCount, int dims) {
    this.dataset = dataset;
    this.random = new Random(seed);
    this.sampleCount = sampleCount;
    this.dims = dims;
  }

  ChangeEvent next() {
    String sampleId = SampleEvents.sampleId("s", random.nextInt(sampleCount));
    boolean alive = expected.containsKey(sampleId);
    if (alive && random.nextInt(10) < DELETES_IN_TEN) {
      expected.remove(sampleId);
      return new SampleDeleted(1, dataset, sampleId, Instant.now());
    }
    float[] vector = new float[dims];
    for (int d = 0; d < dims; d++) {
      vector[d] = random.nextFloat() * 2 - 1;
    }
    vector[0] += 0.01f; // never the zero vector, which normalising runs refuse
    expected.put(sampleId, vector);
    Map<String, float[]> embeddings = Map.of(SimilarityRun.DEFAULT_EMBEDDING, vector);
    return alive
        ? new SampleUpdated(1, dataset, sampleId, null, embeddings, List.of(), Instant.now())
        : new SampleAdded(1, dataset, sampleId, null, embeddings, List.of(), Instant.now());
  }

  /** sampleId -> its last vector, for every sample alive after the changes so far. */
  Map<String, float[]> expected() {
    return Map.copyOf(expected);
  }
}
