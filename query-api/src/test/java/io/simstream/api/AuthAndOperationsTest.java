package io.simstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.simstream.config.Setting;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import io.simstream.config.Settings;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Bearer token on the API routes; health, readiness and metrics open to monitoring. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthAndOperationsTest {
  private static final String TOKEN = "s3cret-token";
  private QueryApi api;
  private String baseUrl;

  @BeforeAll
  void start() {
    Map<Setting<?>, String> withToken = Map.of(Settings.API_TOKEN, TOKEN);
    api = QueryApi.start(SharedApi.config().with(withToken));
    baseUrl = "http://127.0.0.1:" + api.port();
  }

  @AfterAll
  void stop() {
    api.close();
  }

  @Test
  void missingOrWrongTokenIs401() {
    for (ApiClient client : new ApiClient[] {new ApiClient(baseUrl, null), new ApiClient(baseUrl, "wrong")}) {
      ApiClient.Response response = client.get("/v1/datasets");
      assertThat(response.status()).isEqualTo(401);
      assertThat(response.json().path("status").asInt()).isEqualTo(401);
      assertThat(response.json().path("error").asText()).contains("bearer token");
      assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
      assertThat(client.post("/v1/datasets", Map.of("name", "x")).status()).isEqualTo(401);
      assertThat(client.get("/v1/openapi.json").status()).isEqualTo(401);
    }
  }

  @Test
  void rightTokenIsAccepted() {
    ApiClient client = new ApiClient(baseUrl, TOKEN);
    assertThat(client.get("/v1/datasets").status()).isEqualTo(200);
    assertThat(client.get("/v1/similarity").status()).isEqualTo(200);
  }

  @Test
  void theSchemeNameIsCaseInsensitiveAndProbesMayEndWithASlash() throws Exception {
    HttpResponse<String> lowerCase = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(baseUrl + "/v1/datasets")).header("Authorization", "bearer " + TOKEN).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(lowerCase.statusCode()).as(lowerCase.body()).isEqualTo(200);
    ApiClient anonymous = new ApiClient(baseUrl, null);
    assertThat(anonymous.get("/ready/").status()).isEqualTo(200);
    assertThat(anonymous.get("/health/").status()).isEqualTo(200);
  }

  @Test
  void healthReadinessAndMetricsNeedNoToken() {
    ApiClient anonymous = new ApiClient(baseUrl, null);
    assertThat(anonymous.get("/health").json().path("status").asText()).isEqualTo("up");
    ApiClient.Response ready = anonymous.get("/ready");
    assertThat(ready.status()).as(ready.body()).isEqualTo(200);
    assertThat(ready.json().path("checks").path("elasticsearch").asText()).startsWith("searchable");
    assertThat(ready.json().path("checks").path("datasetsView").asText()).isEqualTo("caught-up");

    new ApiClient(baseUrl, TOKEN).get("/v1/datasets");
    ApiClient.Response metrics = anonymous.get("/metrics");
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.body())
        .contains("simstream_api_requests_seconds_bucket{")
        .contains("route=\"/v1/datasets\"")
        .contains("status=\"200\"")
        .contains("status=\"401\"");
  }
}
