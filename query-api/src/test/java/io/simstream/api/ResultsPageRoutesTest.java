package io.simstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.simstream.run.DatasetRecord;
import java.io.IOException;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The page's files and the sample routes' checks, on the real HTTP application without backends. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResultsPageRoutesTest {
  private static final String TOKEN = "page-routes-token";
  private BackendlessApi server;
  private ApiClient anonymous;
  private ApiClient api;

  @BeforeAll
  void start() {
    server = new BackendlessApi(TOKEN);
    server.datasets.put("known", new DatasetRecord("known", Instant.now()));
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

    assertThat(anonymous.get("/v1/datasets/known/samples?id=a").status()).isEqualTo(401);
    assertThat(anonymous.get("/v1/datasets/known/samples/thumbnail?id=a").status()).isEqualTo(401);
  }

  @Test
  void sampleLookupsAreCheckedBeforeAnyBackend() {
    assertThat(api.get("/v1/datasets/unknown/samples?id=a").status()).isEqualTo(404);
    ApiClient.Response noIds = api.get("/v1/datasets/known/samples");
    assertThat(noIds.status()).isEqualTo(400);
    assertThat(noIds.json().path("error").asText()).contains("at least one sample id");
    assertThat(api.get("/v1/datasets/known/samples?id=").status()).isEqualTo(400);

    ApiClient.Response missing = api.get("/v1/datasets/known/samples?id=a&id=b%2Fc&id=a");
    assertThat(missing.status()).isEqualTo(200);
    assertThat(missing.json().path("samples")).isEmpty();
    assertThat(missing.json().path("missingIds")).extracting(n -> n.asText()).containsExactly("a", "b/c");

    assertThat(api.get("/v1/datasets/known/samples/thumbnail").status()).isEqualTo(400);
    assertThat(api.get("/v1/datasets/known/samples/thumbnail?id=a&size=big").status()).isEqualTo(400);
    assertThat(api.get("/v1/datasets/known/samples/thumbnail?id=a&size=8").status()).isEqualTo(400);
    assertThat(api.get("/v1/datasets/known/samples/thumbnail?id=a").status()).isEqualTo(404);
  }
}
