package io.simstream.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.json.Json;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SimilarityRunTest {
  private static SimilarityRun run(String brainKey) {
    return new SimilarityRun("id-" + brainKey, "pets", brainKey, "idx-" + brainKey, SimilarityRun.PRECOMPUTED,
        Metric.COSINE, 2, null, "int8_hnsw", false, Instant.EPOCH);
  }

  @Test
  void twoRunsThatSwappedNamesEachReadTheVectorsTheirProducersSend() {
    SimilarityRun a = run("clip").withBrainKey("tmp").withBrainKey("siglip");
    SimilarityRun b = run("siglip").withBrainKey("clip");
    Map<String, float[]> event = Map.of("clip", new float[] {1, 0}, "siglip", new float[] {0, 1});

    assertThat(a.vectorFrom(event)).containsExactly(1, 0);
    assertThat(b.vectorFrom(event)).containsExactly(0, 1);
    // The new name works too, for producers told of it.
    assertThat(a.vectorFrom(Map.of("siglip", new float[] {0.5f, 0.5f}))).containsExactly(0.5f, 0.5f);
  }

  @Test
  void theCreationKeyTravelsOnTheRunsTopicAndOldRecordsReadTheirBrainKey() throws Exception {
    SimilarityRun renamed = run("clip").withBrainKey("clip2");
    String json = Json.MAPPER.writeValueAsString(renamed);
    assertThat(Json.MAPPER.readValue(json, SimilarityRun.class)).isEqualTo(renamed);

    ObjectNode old = (ObjectNode) Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(run("clip")));
    old.remove("embeddingsKey");
    assertThat(Json.MAPPER.treeToValue(old, SimilarityRun.class).embeddingsKey()).isEqualTo("clip");
  }

  @Test
  void theLayoutTravelsOnTheRunsTopicAndSurvivesARenameAndOldRecordsReadTheDefault() throws Exception {
    SimilarityRun laidOut = new SimilarityRun("id", "ds", "clip", "simstream-ds-clip", SimilarityRun.PRECOMPUTED,
        Metric.COSINE, 2, null, "flat", false, Instant.EPOCH, "clip", new IndexLayout(3, 0));
    SimilarityRun renamed = laidOut.withBrainKey("clip2");
    assertThat(renamed.layout()).isEqualTo(new IndexLayout(3, 0));
    assertThat(Json.MAPPER.readValue(Json.MAPPER.writeValueAsString(renamed), SimilarityRun.class))
        .isEqualTo(renamed);

    ObjectNode old = (ObjectNode) Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(laidOut));
    old.remove("layout");
    assertThat(Json.MAPPER.treeToValue(old, SimilarityRun.class).layout()).isEqualTo(IndexLayout.DEFAULT);
  }
}
