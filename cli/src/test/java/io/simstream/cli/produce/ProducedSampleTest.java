package io.simstream.cli.produce;

import static org.assertj.core.api.Assertions.assertThat;

import io.simstream.cli.source.SourceSample;
import io.simstream.event.BoundingBox;
import io.simstream.event.Patch;
import io.simstream.run.Metric;
import io.simstream.run.SimilarityRun;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProducedSampleTest {
  private static SimilarityRun run(String brainKey, String model, String patchesField) {
    return new SimilarityRun("id", "ds", brainKey, "index", model, Metric.COSINE, 2, patchesField, "int8_hnsw", false,
        Instant.EPOCH);
  }

  private static final BoundingBox BOX = new BoundingBox(0.1, 0.1, 0.5, 0.5);

  @Test
  void countsTheDocumentsEachRunShouldHold() {
    SourceSample withVectors = new SourceSample("s1", null, Map.of("clip", new float[] {1, 0}),
        List.of(new Patch("p1", "gt", "car", BOX, Map.of("default", new float[] {0, 1})),
            new Patch("p2", "other", "car", BOX, Map.of("default", new float[] {0, 1})),
            new Patch("p3", null, "car", BOX, null)),
        "h", "line 1");
    ProducedSample sample = ProducedSample.of(withVectors);

    assertThat(sample.expectedDocuments(run("clip", SimilarityRun.PRECOMPUTED, null))).isEqualTo(1);
    // No vector keyed "other" or "default", and no image for a model to embed.
    assertThat(sample.expectedDocuments(run("other", SimilarityRun.PRECOMPUTED, null))).isZero();
    // Patches of field gt and patches without a field; p3 has no vector for a precomputed run.
    assertThat(sample.expectedDocuments(run("patches", SimilarityRun.PRECOMPUTED, "gt"))).isEqualTo(1);
  }

  @Test
  void aModelRunIndexesSamplesAndPatchesFromTheirImage() {
    SourceSample imageOnly = new SourceSample("s2", "file:///a.jpg", null,
        List.of(new Patch("p1", "gt", "car", BOX, null), new Patch("p2", null, "dog", BOX, null)), "h", "a.jpg");
    ProducedSample sample = ProducedSample.of(imageOnly);

    assertThat(sample.expectedDocuments(run("mn", "mobilenet-v2-nsfwjs", null))).isEqualTo(1);
    assertThat(sample.expectedDocuments(run("mn", "mobilenet-v2-nsfwjs", "gt"))).isEqualTo(2);
    assertThat(sample.expectedDocuments(run("pre", SimilarityRun.PRECOMPUTED, null))).isZero();
  }

  @Test
  void aModelRunTakesOnlyAVectorOfItsSizeElseItNeedsTheImage() {
    // Runs here have 2 dims: a 3-d "default" meant for other runs is ignored by a model run, which embeds the
    // image instead, and without an image writes nothing (as the indexer's RunVectors).
    SimilarityRun model = run("mn", "mobilenet-v2-nsfwjs", null);
    SourceSample otherSizeNoImage = new SourceSample("s3", null, Map.of("default", new float[3]), List.of(), "h", "l3");
    SourceSample otherSizeWithImage = new SourceSample("s4", "file:///b.jpg", Map.of("default", new float[3]),
        List.of(), "h", "b.jpg");
    SourceSample itsSize = new SourceSample("s5", null, Map.of("default", new float[2]), List.of(), "h", "l5");

    assertThat(ProducedSample.of(otherSizeNoImage).expectedDocuments(model)).isZero();
    assertThat(ProducedSample.of(otherSizeWithImage).expectedDocuments(model)).isEqualTo(1);
    assertThat(ProducedSample.of(itsSize).expectedDocuments(model)).isEqualTo(1);
  }
}
