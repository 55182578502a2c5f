package io.simstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.simstream.api.sample.SampleService;
import io.simstream.run.DatasetRecord;
import io.simstream.run.Metric;
import io.simstream.run.SimilarityRun;
import java.io.IOException;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The page's files and the document routes' checks, on the real HTTP application without backends. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResultsPageRoutesTest {
  private static final String TOKEN = "page-routes-token";
  private static final String RUN = "/v1/datasets/known/similarity/run";
  private BackendlessApi server;
  private ApiClient anonymous;
  private ApiClient api;

  @BeforeAll
  void start() {
    server = new BackendlessApi(TOKEN);
    server.datasets.put("known", new DatasetRecord("known", Instant.now()));
    server.runs.put(SimilarityRun.keyOf("known", "run"), new SimilarityRun("id-1", "known", "run", "idx",
        SimilarityRun.PRECOMPUTED, Metric.COSINE, 4, null, "int8_hnsw", false, Instant.now()));
    anonymous = server.client();
    api = new ApiClient("http://127.0.0.1:" + server.port(), TOKEN);
  }

  @AfterAll
  void stop() throws IOException {
    server.close();
  }

  @Test
  void thePageIsServedWithoutTheTokenAndItsDataIsNot() {
    ApiClient.Response page = anonymous.get("/ui");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(page.body()).contains("/ui/app.js", "/ui/style.css");
    assertThat(anonymous.get("/ui/app.js").headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
    assertThat(anonymous.get("/ui/style.css").status()).isEqualTo(200);
    ApiClient.Response unknown = anonymous.get("/ui/secrets.txt");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().path("status").asInt()).isEqualTo(404);

    assertThat(anonymous.get(RUN + "/documents?id=a").status()).isEqualTo(401);
    assertThat(anonymous.get(RUN + "/thumbnail?id=a").status()).isEqualTo(401);
  }

  @Test
  void documentLookupsAreCheckedBeforeAnyBackend() {
    assertThat(api.get("/v1/datasets/unknown/similarity/run/documents?id=a").status()).isEqualTo(404);
    assertThat(api.get("/v1/datasets/known/similarity/unknown/documents?id=a").status()).isEqualTo(404);
    assertThat(api.get("/v1/datasets/known/similarity/unknown/thumbnail?id=a").status()).isEqualTo(404);
    ApiClient.Response noIds = api.get(RUN + "/documents");
    assertThat(noIds.status()).isEqualTo(400);
    assertThat(noIds.json().path("error").asText()).contains("at least one id");
    assertThat(api.get(RUN + "/documents?id=").status()).isEqualTo(400);
    String tooMany = "id=x&".repeat(SampleService.MAX_IDS + 1);
    assertThat(api.get(RUN + "/documents?" + tooMany).status()).isEqualTo(400);

    assertThat(api.get(RUN + "/thumbnail").status()).isEqualTo(400);
    assertThat(api.get(RUN + "/thumbnail?id=a&size=big").status()).isEqualTo(400);
    assertThat(api.get(RUN + "/thumbnail?id=a&size=8").status()).isEqualTo(400);
  }
}
