package io.simstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.simstream.api.model.EmbeddingModel;
import io.simstream.api.model.EmbeddingModels;
import io.simstream.api.model.TextEmbedder;
import io.simstream.run.Metric;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The text seam: a run whose model has a text embedder supports prompts; the query is its embedding. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TextPromptTest {
  private static final String MODEL = "toy-clip";

  private final String dataset = "prompts-" + UUID.randomUUID().toString().substring(0, 8);
  private final List<EsLoader.Doc> docs = VectorData.clustered("s", 500, Metric.COSINE, 21);
  private QueryApi api;
  private ApiClient client;

  @BeforeAll
  void start() {
    // The toy text tower embeds every prompt as the vector of sample s7.
    TextEmbedder toy = prompt -> docs.get(7).vector();
    EmbeddingModels embedders = model -> MODEL.equals(model)
        ? Optional.of(new EmbeddingModel(VectorData.DIMS, Optional.of(toy))) : Optional.empty();
    api = QueryApi.start(SharedApi.config(), embedders);
    client = new ApiClient("http://127.0.0.1:" + api.port(), null);
    client.post("/v1/datasets", Map.of("name", dataset));
    ApiClient.Response created = client.post("/v1/datasets/" + dataset + "/similarity",
        Map.of("brainKey", "clip", "model", MODEL, "dims", VectorData.DIMS));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.json().path("run").path("supportsPrompts").asBoolean()).isTrue();
    EsLoader.load(created.json().path("run").path("indexName").asText(), docs);
  }

  @AfterAll
  void stop() {
    api.close();
  }

  @Test
  void textQueriesSearchWithTheEmbeddedPrompt() {
    ApiClient.Response response = client.post("/v1/datasets/" + dataset + "/similarity/clip/sort-by-similarity",
        Map.of("text", "a photo of s7", "k", 5));
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(response.json().path("hits").get(0).path("id").asText()).isEqualTo("s7");
    assertThat(client.get("/v1/similarity?supportsPrompts=true&dataset=" + dataset).json().path("runs"))
        .hasSize(1);
  }
}
