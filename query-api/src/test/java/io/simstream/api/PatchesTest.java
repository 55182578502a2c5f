package io.simstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.run.Metric;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** A patch run: documents are labels (id = label id), several per sample. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PatchesTest {
  private static final int SAMPLES = 600;
  private static final int PATCHES_PER_SAMPLE = 3;

  private final ApiClient api = SharedApi.client();
  private final String dataset = "patches-" + UUID.randomUUID().toString().substring(0, 8);
  private final List<EsLoader.Doc> patches = new ArrayList<>();

  @BeforeAll
  void loadPatches() {
    assertThat(api.post("/v1/datasets", Map.of("name", dataset)).status()).isEqualTo(201);
    ApiClient.Response created = api.post("/v1/datasets/" + dataset + "/similarity",
        Map.of("brainKey", "gt", "patchesField", "ground_truth", "dims", VectorData.DIMS));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    List<EsLoader.Doc> vectors = VectorData.clustered("x", SAMPLES * PATCHES_PER_SAMPLE, Metric.COSINE, 9);
    for (int i = 0; i < vectors.size(); i++) {
      String labelId = "label" + i;
      patches.add(new EsLoader.Doc(labelId, "sample" + i / PATCHES_PER_SAMPLE, labelId, vectors.get(i).vector()));
    }
    EsLoader.load(created.json().path("run").path("indexName").asText(), patches);
  }

  @Test
  void listFiltersByPatchesField() {
    JsonNode runs = api.get("/v1/similarity?dataset=" + dataset + "&patchesField=ground_truth").json().path("runs");
    assertThat(runs).hasSize(1);
    assertThat(runs.get(0).path("patchesField").asText()).isEqualTo("ground_truth");
    assertThat(api.get("/v1/similarity?dataset=" + dataset + "&patchesField=other").json().path("runs")).isEmpty();
  }

  @Test
  void queryByLabelIdReturnsPatchesWithTheirSamples() {
    EsLoader.Doc query = patches.get(100);
    List<JsonNode> hits = search(Map.of("id", query.id(), "k", 10));
    assertThat(VectorData.recall(SimilaritySearchTest.ids(hits),
        VectorData.exact(patches, Metric.COSINE, query.vector(), 10, false, d -> true))).isGreaterThanOrEqualTo(0.9);
    assertThat(hits.get(0).path("id").asText()).isEqualTo(query.id());
    for (JsonNode hit : hits) {
      int label = Integer.parseInt(hit.path("labelId").asText().substring("label".length()));
      assertThat(hit.path("id").asText()).isEqualTo(hit.path("labelId").asText());
      assertThat(hit.path("sampleId").asText()).isEqualTo("sample" + label / PATCHES_PER_SAMPLE);
    }
  }

  @Test
  void restrictionBySampleIdsKeepsAllPatchesOfThoseSamples() {
    Set<String> samples = Set.of("sample1", "sample2", "sample3", "sample50");
    List<JsonNode> hits = search(Map.of("id", "label0", "k", 100, "restrictIds", List.copyOf(samples)));
    assertThat(hits).hasSize(samples.size() * PATCHES_PER_SAMPLE);
    assertThat(hits).allMatch(h -> samples.contains(h.path("sampleId").asText()));
  }

  @Test
  void restrictionByLabelIds() {
    List<String> labels = List.of("label7", "label8", "label900", "label1500");
    List<JsonNode> hits = search(Map.of("id", "label0", "k", 10, "restrictLabelIds", labels));
    assertThat(SimilaritySearchTest.ids(hits)).containsExactlyInAnyOrderElementsOf(labels);
  }

  @Test
  void embeddingsBySampleIdsReturnEveryPatchAndTheMissingIds() {
    ApiClient.Response response = api.post(path("embeddings"), Map.of("sampleIds", List.of("sample5", "nope")));
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(ids(response.json().path("embeddings"))).containsExactlyInAnyOrder("label15", "label16", "label17");
    assertThat(response.json().path("missingIds").get(0).asText()).isEqualTo("nope");
    JsonNode first = response.json().path("embeddings").get(0);
    assertThat(first.path("vector")).hasSize(VectorData.DIMS);
    assertThat(first.path("sampleId").asText()).isEqualTo("sample5");
  }

  @Test
  void embeddingsByLabelIds() {
    ApiClient.Response response = api.post(path("embeddings"), Map.of("labelIds", List.of("label3", "label4")));
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(ids(response.json().path("embeddings"))).containsExactly("label3", "label4");
    assertThat(response.json().path("missingIds")).isEmpty();
  }

  private List<JsonNode> search(Map<String, Object> body) {
    ApiClient.Response response = api.post(path("sort-by-similarity"), body);
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    return SimilaritySearchTest.list(response.json().path("hits"));
  }

  private static List<String> ids(JsonNode embeddings) {
    return SimilaritySearchTest.list(embeddings).stream().map(e -> e.path("id").asText())
        .collect(Collectors.toList());
  }

  private String path(String action) {
    return "/v1/datasets/" + dataset + "/similarity/gt/" + action;
  }
}
