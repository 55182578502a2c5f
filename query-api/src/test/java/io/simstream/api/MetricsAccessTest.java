package io.simstream.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.simstream.config.ConfigException;
import io.simstream.config.Setting;
import io.simstream.config.Settings;
import io.simstream.config.SimstreamConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** /metrics closed behind the token (api.metrics-auth) or moved to its own port (api.metrics-port), real server. */
class MetricsAccessTest {
  private static final String TOKEN = "metrics-test-token";

  @Test
  void metricsAuthPutsMetricsBehindTheTokenWhileProbesStayOpen() {
    try (QueryApi api = start(Map.of(Settings.API_TOKEN, TOKEN, Settings.API_METRICS_AUTH, "true"))) {
      assertThat(api.metricsPort()).isEqualTo(api.port());
      ApiClient anonymous = client(api.port(), null);
      ApiClient.Response refused = anonymous.get("/metrics");
      assertThat(refused.status()).isEqualTo(401);
      assertThat(refused.json().path("error").asText()).contains("bearer token");
      assertThat(client(api.port(), "wrong").get("/metrics").status()).isEqualTo(401);
      ApiClient.Response scraped = client(api.port(), TOKEN).get("/metrics");
      assertThat(scraped.status()).isEqualTo(200);
      assertThat(scraped.body()).contains("simstream_api_requests_seconds_bucket{").contains("status=\"401\"");
      assertThat(anonymous.get("/health").status()).isEqualTo(200);
      assertThat(anonymous.get("/ready").status()).isEqualTo(200);
    }
  }

  @Test
  void aMetricsPortServesMetricsThereOnlyOpenByDefault() {
    try (QueryApi api = start(Map.of(Settings.API_TOKEN, TOKEN, Settings.API_METRICS_PORT, "0"))) {
      assertThat(api.metricsPort()).isNotEqualTo(api.port());
      client(api.port(), TOKEN).get("/v1/datasets");
      ApiClient.Response scraped = client(api.metricsPort(), null).get("/metrics");
      assertThat(scraped.status()).isEqualTo(200);
      assertThat(scraped.body()).contains("route=\"/v1/datasets\"").contains("jvm_memory_used_bytes");
      assertThat(client(api.port(), TOKEN).get("/metrics").status()).as("no metrics on the API port").isEqualTo(404);
      assertThat(client(api.metricsPort(), TOKEN).get("/v1/datasets").status())
          .as("no API on the metrics port").isEqualTo(404);
    }
  }

  @Test
  void aMetricsPortWithMetricsAuthNeedsTheTokenThere() {
    try (QueryApi api = start(Map.of(Settings.API_TOKEN, TOKEN, Settings.API_METRICS_PORT, "0",
        Settings.API_METRICS_AUTH, "true"))) {
      assertThat(client(api.metricsPort(), null).get("/metrics").status()).isEqualTo(401);
      assertThat(client(api.metricsPort(), TOKEN).get("/metrics").status()).isEqualTo(200);
    }
  }

  @Test
  void metricsAuthWithoutATokenStopsTheApiButNotTheIndexersShareOfTheConfiguration() {
    // One ConfigMap feeds both services: the indexer loads it whole and must not stop over API-only settings.
    SimstreamConfig shared = SimstreamConfig.load(Map.of("SIMSTREAM_API_METRICS_AUTH", "true"));
    assertThat(shared.get(Settings.API_METRICS_AUTH)).isTrue();

    assertThatThrownBy(() -> start(Map.of(Settings.API_METRICS_AUTH, "true")))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
            .anySatisfy(p -> assertThat(p).startsWith("SIMSTREAM_API_METRICS_AUTH is true but SIMSTREAM_API_TOKEN")));
  }

  private static QueryApi start(Map<Setting<?>, String> overrides) {
    return QueryApi.start(SharedApi.config().with(overrides));
  }

  private static ApiClient client(int port, String token) {
    return new ApiClient("http://127.0.0.1:" + port, token);
  }
}
