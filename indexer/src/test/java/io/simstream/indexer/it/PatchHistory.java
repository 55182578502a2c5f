package io.simstream.indexer.it;

import io.simstream.event.BoundingBox;
import io.simstream.event.ChangeEvent;
import io.simstream.event.Patch;
import io.simstream.event.SampleAdded;
import io.simstream.event.SampleDeleted;
import io.simstream.event.SampleUpdated;
import io.simstream.run.SimilarityRun;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A seeded random history of samples with patches: patches added, removed, moved to another field
 * or to no field, vectors under the run's brain key or {@code default}, sample vectors under two
 * keys, deletes and re-adds, and labels moving to another sample (the old owner's new state without
 * it, then the new owner's with it; the two samples are often on different partitions). A label has
 * one owner at a time. Expected: per field, the label -> vector of the final patches in that field
 * or in none; per brain key, the sample -> vector of the final samples.
 */
final class PatchHistory {
  static final List<String> FIELDS = List.of("gt", "pred");
  /** Brain keys of the whole-sample runs: one reads its own key, the other falls back to default. */
  static final String OWN_KEY = "own";
  static final String DEFAULT_KEY = "fallback";

  final List<ChangeEvent> events = new ArrayList<>();
  final Map<String, Map<String, float[]>> expectedPatches = new HashMap<>();
  final Map<String, Map<String, float[]>> expectedSamples = new HashMap<>();

  PatchHistory(String dataset, long seed, int eventCount, int sampleCount, int dims) {
    Random random = new Random(seed);
    Map<String, List<Patch>> alive = new LinkedHashMap<>();
    Map<String, Map<String, float[]>> sampleVectors = new HashMap<>();
    Map<String, String> ownerOf = new HashMap<>();
    while (events.size() < eventCount) {
      String sampleId = "s" + random.nextInt(sampleCount);
      List<Patch> before = alive.get(sampleId);
      if (before != null && random.nextInt(10) < 2) {
        events.add(new SampleDeleted(1, dataset, sampleId, Instant.now()));
        alive.remove(sampleId);
        sampleVectors.remove(sampleId);
        before.forEach(p -> ownerOf.remove(p.labelId()));
        continue;
      }
      if (before != null) {
        before.forEach(p -> ownerOf.remove(p.labelId()));
      }
      List<String> labelIds = new ArrayList<>();
      for (int p = 0; p < 4; p++) {
        labelIds.add(sampleId + "-l" + p);
      }
      String moved = random.nextInt(8) == 0
          ? takeLabelOfAnother(random, sampleId, alive, sampleVectors, ownerOf, dataset) : null;
      if (moved != null) {
        labelIds.add(moved);
      }
      List<Patch> patches = new ArrayList<>();
      for (String labelId : labelIds) {
        if (ownerOf.containsKey(labelId) || !labelId.equals(moved) && random.nextInt(3) == 0) {
          continue; // held by another sample, or absent this time: removed if it was there
        }
        int fieldRoll = random.nextInt(5);
        String field = fieldRoll < 2 ? FIELDS.get(0) : fieldRoll < 4 ? FIELDS.get(1) : null;
        String key = random.nextBoolean() ? SimilarityRun.DEFAULT_EMBEDDING : field == null ? "patches-" + FIELDS.get(0)
            : "patches-" + field;
        patches.add(new Patch(labelId, field, "thing", new BoundingBox(0.1, 0.1, 0.5, 0.5),
            Map.of(key, vector(random, dims))));
      }
      Map<String, float[]> embeddings = new HashMap<>();
      embeddings.put(OWN_KEY, vector(random, dims));
      if (random.nextBoolean()) {
        embeddings.put(SimilarityRun.DEFAULT_EMBEDDING, vector(random, dims));
      }
      events.add(before != null
          ? new SampleUpdated(1, dataset, sampleId, null, embeddings, patches, Instant.now())
          : new SampleAdded(1, dataset, sampleId, null, embeddings, patches, Instant.now()));
      alive.put(sampleId, patches);
      sampleVectors.put(sampleId, embeddings);
      patches.forEach(p -> ownerOf.put(p.labelId(), sampleId));
    }
    for (String field : FIELDS) {
      Map<String, float[]> labels = new HashMap<>();
      alive.values().forEach(patches -> patches.stream().filter(p -> p.belongsTo(field))
          .forEach(p -> {
            float[] vector = p.embeddings().getOrDefault("patches-" + field,
                p.embeddings().get(SimilarityRun.DEFAULT_EMBEDDING));
            if (vector != null) {
              labels.put(p.labelId(), vector);
            }
          }));
      expectedPatches.put(field, labels);
    }
    Map<String, float[]> own = new HashMap<>();
    Map<String, float[]> fallback = new HashMap<>();
    sampleVectors.forEach((sampleId, vectors) -> {
      own.put(sampleId, vectors.get(OWN_KEY));
      if (vectors.containsKey(SimilarityRun.DEFAULT_EMBEDDING)) {
        fallback.put(sampleId, vectors.get(SimilarityRun.DEFAULT_EMBEDDING));
      }
    });
    expectedSamples.put(OWN_KEY, own);
    expectedSamples.put(DEFAULT_KEY, fallback);
  }

  /**
   * Removes a label from a random other live sample with patches (an update of it goes out now) and
   * returns its id for {@code sampleId} to take; null when the one picked has none.
   */
  private String takeLabelOfAnother(Random random, String sampleId, Map<String, List<Patch>> alive,
                                    Map<String, Map<String, float[]>> sampleVectors, Map<String, String> ownerOf,
                                    String dataset) {
    List<String> others = alive.keySet().stream().filter(id -> !id.equals(sampleId) && !alive.get(id).isEmpty())
        .toList();
    if (others.isEmpty()) {
      return null;
    }
    String from = others.get(random.nextInt(others.size()));
    List<Patch> kept = new ArrayList<>(alive.get(from));
    Patch taken = kept.remove(random.nextInt(kept.size()));
    events.add(new SampleUpdated(1, dataset, from, null, sampleVectors.get(from), kept, Instant.now()));
    alive.put(from, kept);
    ownerOf.remove(taken.labelId());
    return taken.labelId();
  }

  private static float[] vector(Random random, int dims) {
    float[] vector = new float[dims];
    for (int d = 0; d < dims; d++) {
      vector[d] = random.nextFloat() * 2 - 1;
    }
    vector[0] += 0.01f;
    return vector;
  }
}
