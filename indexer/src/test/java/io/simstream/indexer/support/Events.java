package io.simstream.indexer.support;

import io.simstream.event.BoundingBox;
import io.simstream.event.ChangeEvent;
import io.simstream.event.ChangeEventCodec;
import io.simstream.event.Patch;
import io.simstream.event.SampleAdded;
import io.simstream.event.SampleDeleted;
import io.simstream.event.SampleUpdated;
import io.simstream.run.Metric;
import io.simstream.run.SimilarityRun;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Builders of events and runs for tests. */
public final class Events {
  public static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private Events() {
  }

  public static SampleAdded added(String dataset, String sampleId, float[] vector) {
    return new SampleAdded(1, dataset, sampleId, null, Map.of(SimilarityRun.DEFAULT_EMBEDDING, vector), List.of(), T0);
  }

  public static SampleUpdated updated(String dataset, String sampleId, float[] vector) {
    return new SampleUpdated(1, dataset, sampleId, null, Map.of(SimilarityRun.DEFAULT_EMBEDDING, vector), List.of(),
        T0);
  }

  public static SampleAdded withImage(String dataset, String sampleId, String imageUri) {
    return new SampleAdded(1, dataset, sampleId, imageUri, Map.of(), List.of(), T0);
  }

  public static SampleAdded withPatches(String dataset, String sampleId, List<Patch> patches) {
    return new SampleAdded(1, dataset, sampleId, null, Map.of(), patches, T0);
  }

  public static SampleUpdated updatedPatches(String dataset, String sampleId, List<Patch> patches) {
    return new SampleUpdated(1, dataset, sampleId, null, Map.of(), patches, T0);
  }

  public static Patch patch(String labelId, String field, float[] vector) {
    return new Patch(labelId, field, "car", new BoundingBox(0.1, 0.1, 0.5, 0.5),
        Map.of(SimilarityRun.DEFAULT_EMBEDDING, vector));
  }

  /** A patch without vectors: patch runs with a model embed its crop. */
  public static Patch box(String labelId, String field, BoundingBox box) {
    return new Patch(labelId, field, "car", box, Map.of());
  }

  public static SampleAdded withImageAndPatches(String dataset, String sampleId, String imageUri,
                                                List<Patch> patches) {
    return new SampleAdded(1, dataset, sampleId, imageUri, Map.of(), patches, T0);
  }

  public static SampleUpdated updatedImageAndPatches(String dataset, String sampleId, String imageUri,
                                                     List<Patch> patches) {
    return new SampleUpdated(1, dataset, sampleId, imageUri, Map.of(), patches, T0);
  }

  public static SampleDeleted deleted(String dataset, String sampleId) {
    return new SampleDeleted(1, dataset, sampleId, T0);
  }

  public static byte[] bytes(ChangeEvent event) {
    return ChangeEventCodec.encode(event);
  }

  public static SimilarityRun run(String dataset, String brainKey, Metric metric, int dims) {
    return new SimilarityRun(dataset + "-" + brainKey, dataset, brainKey, "idx-" + dataset + "-" + brainKey,
        SimilarityRun.PRECOMPUTED, metric, dims, null, "int8_hnsw", false, T0);
  }

  public static SimilarityRun patchRun(String dataset, String brainKey, String field, int dims) {
    return new SimilarityRun(dataset + "-" + brainKey, dataset, brainKey, "idx-" + dataset + "-" + brainKey,
        SimilarityRun.PRECOMPUTED, Metric.COSINE, dims, field, "int8_hnsw", false, T0);
  }

  public static SimilarityRun modelRun(String dataset, String brainKey, String model, int dims) {
    return new SimilarityRun(dataset + "-" + brainKey, dataset, brainKey, "idx-" + dataset + "-" + brainKey,
        model, Metric.COSINE, dims, null, "int8_hnsw", false, T0);
  }

  public static SimilarityRun modelPatchRun(String dataset, String brainKey, String model, String field, int dims) {
    return new SimilarityRun(dataset + "-" + brainKey, dataset, brainKey, "idx-" + dataset + "-" + brainKey,
        model, Metric.COSINE, dims, field, "int8_hnsw", false, T0);
  }

  public static float[] vec(float... values) {
    return values;
  }
}
