package io.simstream.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A label moving between samples of different partitions: for a moment its old sample's document
 * and its new one are both in the index (issue 11). Lookups by label id answer with the document
 * written last; searches list the label once per document, told apart by their sample ids.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PatchLabelMoveTest {
  private static final String MOVING = "moving";

  private final ApiClient api = SharedApi.client();
  private final String dataset = "label-move-" + UUID.randomUUID().toString().substring(0, 8);
  private final float[] oldVector = unit(0);
  private final float[] newVector = unit(1);

  @BeforeAll
  void loadBothDocumentsOfTheMovingLabel() {
    assertThat(api.post("/v1/datasets", Map.of("name", dataset)).status()).isEqualTo(201);
    ApiClient.Response created = api.post("/v1/datasets/" + dataset + "/similarity",
        Map.of("brainKey", "gt", "patchesField", "ground_truth", "dims", VectorData.DIMS, "metric", "euclidean"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String index = created.json().path("run").path("indexName").asText();
    EsLoader.load(index, List.of(new EsLoader.Doc(MOVING, "old-owner", MOVING, oldVector),
        new EsLoader.Doc("other", "third", "other", unit(2))));
    // A bulk of its own, so the new owner's document is written after the old one.
    EsLoader.load(index, List.of(new EsLoader.Doc(MOVING, "new-owner", MOVING, newVector)));
  }

  @Test
  void embeddingsByLabelIdAnswerWithTheDocumentWrittenLast() {
    ApiClient.Response response = api.post(path("embeddings"), Map.of("labelIds", List.of(MOVING, "other", "absent")));
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    JsonNode embeddings = response.json().path("embeddings");
    assertThat(SimilaritySearchTest.list(embeddings)).extracting(e -> e.path("id").asText())
        .containsExactly(MOVING, "other");
    assertThat(embeddings.get(0).path("sampleId").asText()).isEqualTo("new-owner");
    assertThat(embeddings.get(0).path("vector").get(1).asDouble()).isEqualTo(1.0, within(1e-6));
    assertThat(SimilaritySearchTest.list(response.json().path("missingIds"))).extracting(JsonNode::asText)
        .containsExactly("absent");
  }

  @Test
  void aQueryByTheLabelIdSearchesWithTheNewOwnersVectorAndListsBothDocuments() {
    ApiClient.Response response = api.post(path("sort-by-similarity"), Map.of("id", MOVING, "k", 3));
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    List<JsonNode> hits = SimilaritySearchTest.list(response.json().path("hits"));
    assertThat(hits).extracting(h -> h.path("id").asText() + "@" + h.path("sampleId").asText())
        .containsExactly(MOVING + "@new-owner", MOVING + "@old-owner", "other@third");
    assertThat(hits.get(0).path("distance").asDouble()).isEqualTo(0.0, within(1e-3));
  }

  @Test
  void restrictingToTheLabelIdKeepsBothOfItsDocuments() {
    ApiClient.Response response = api.post(path("sort-by-similarity"),
        Map.of("vector", newVector, "k", 10, "restrictLabelIds", List.of(MOVING)));
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(SimilaritySearchTest.list(response.json().path("hits"))).extracting(h -> h.path("sampleId").asText())
        .containsExactly("new-owner", "old-owner");
  }

  private String path(String action) {
    return "/v1/datasets/" + dataset + "/similarity/gt/" + action;
  }

  private static float[] unit(int axis) {
    float[] vector = new float[VectorData.DIMS];
    vector[axis] = 1;
    return vector;
  }
}
