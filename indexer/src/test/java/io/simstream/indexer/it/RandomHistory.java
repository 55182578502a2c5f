package io.simstream.indexer.it;

import io.simstream.event.ChangeEvent;
import io.simstream.event.SampleAdded;
import io.simstream.event.SampleDeleted;
import io.simstream.event.SampleUpdated;
import io.simstream.run.SimilarityRun;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** A seeded random interleaving of adds, updates and deletes, with the final state it must lead to. */
final class RandomHistory {
  final List<ChangeEvent> events = new ArrayList<>();
  /** sampleId -> last vector, for samples alive at the end. */
  final Map<String, float[]> expected = new HashMap<>();

  RandomHistory(String dataset, long seed, int eventCount, int sampleCount, int dims) {
    Random random = new Random(seed);
    for (int i = 0; i < eventCount; i++) {
      String sampleId = "s" + random.nextInt(sampleCount);
      boolean alive = expected.containsKey(sampleId);
      int roll = random.nextInt(10);
      if (alive && roll < 3) {
        events.add(new SampleDeleted(1, dataset, sampleId, Instant.now()));
        expected.remove(sampleId);
        continue;
      }
      float[] vector = new float[dims];
      for (int d = 0; d < dims; d++) {
        vector[d] = random.nextFloat() * 2 - 1;
      }
      vector[0] += 0.01f; // never a zero vector (dotproduct runs normalise)
      Map<String, float[]> embeddings = Map.of(SimilarityRun.DEFAULT_EMBEDDING, vector);
      events.add(alive
          ? new SampleUpdated(1, dataset, sampleId, null, embeddings, List.of(), Instant.now())
          : new SampleAdded(1, dataset, sampleId, null, embeddings, List.of(), Instant.now()));
      expected.put(sampleId, vector);
    }
  }
}
