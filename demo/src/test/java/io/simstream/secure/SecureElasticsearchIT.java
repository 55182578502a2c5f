package io.simstream.secure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.simstream.api.QueryApi;
import io.simstream.config.Setting;
import io.simstream.config.Settings;
import io.simstream.config.SimstreamConfig;
import io.simstream.elasticsearch.ElasticsearchTrust;
import io.simstream.event.SampleAdded;
import io.simstream.indexer.Indexer;
import io.simstream.kafka.ChangeEventProducer;
import io.simstream.kafka.Topics;
import io.simstream.secure.SecuredStackSupport.Response;
import io.simstream.servers.LocalServers;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The indexer and the query API against a secured Elasticsearch: TLS and basic auth or an API key, checked by a
 * proxy in front of the real node. Right credentials with a CA file or a pinned fingerprint carry writes and
 * searches; a wrong password and an untrusted certificate are reported as what they are.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecureElasticsearchIT {
  private static final String USER = "simstream";
  private static final String PASSWORD = "correct-horse-battery";
  private static final String API_KEY = "sim-key-id:sim-key-secret";
  private static final String DATASET = "secure";
  private static final String RUN = "/v1/datasets/" + DATASET + "/similarity/vec";
  // Generous: JVM-internal Kafka Streams start, rebalances and Elasticsearch refreshes on a loaded 2-core machine.
  private static final Duration DEADLINE = Duration.ofMinutes(3);

  private Path dir;
  private final SecuredStackSupport calls = new SecuredStackSupport();
  private SelfSignedCertificate certificate;
  private AuthCheckingTlsProxy proxy;
  private SimstreamConfig base;
  private SimstreamConfig secured;
  private Indexer indexer;
  private QueryApi api;

  @BeforeAll
  void startSecuredStack(@TempDir Path tempDir) throws Exception {
    dir = tempDir;
    certificate = SelfSignedCertificate.create(dir, "proxy");
    String encodedKey = Base64.getEncoder().encodeToString(API_KEY.getBytes(StandardCharsets.UTF_8));
    proxy = new AuthCheckingTlsProxy(certificate.serverContext(), URI.create(LocalServers.elasticsearch().httpUrl()),
        USER, PASSWORD, encodedKey);
    base = SecuredStackSupport.ownTopics("secure", dir);
    secured = base.with(Map.of(
        Settings.ES_HOSTS, "https://localhost:" + proxy.port(),
        Settings.ES_USERNAME, USER,
        Settings.ES_PASSWORD, PASSWORD,
        Settings.ES_CA_CERT, certificate.pemFile().toString()));
    indexer = Indexer.start(secured);
    api = QueryApi.start(secured);

    assertThat(calls.call(api, "POST", "/v1/datasets", Map.of("name", DATASET)).status()).isIn(200, 201);
    assertThat(calls.call(api, "POST", "/v1/datasets/" + DATASET + "/similarity",
        Map.of("brainKey", "vec", "model", "precomputed", "metric", "cosine", "dims", 4)).status()).isIn(200, 201);
    Map<String, float[]> vectors = Map.of("a", new float[] {1, 0, 0, 0}, "b", new float[] {0.9f, 0.1f, 0, 0},
        "c", new float[] {0, 0, 1, 0});
    try (ChangeEventProducer producer = new ChangeEventProducer(secured.kafkaClientProperties(),
        Topics.from(secured).changes())) {
      vectors.forEach((id, vector) -> producer.send(new SampleAdded(1, DATASET, id, null,
          Map.of("default", vector), List.of(), Instant.now())));
      producer.flush();
    }
    await().atMost(DEADLINE).pollInterval(Duration.ofMillis(500))
        .until(() -> calls.call(api, "GET", RUN + "/size", null).json().path("size").asLong() == vectors.size());
  }

  @AfterAll
  void stop() {
    SecuredStackSupport.closeAll(api, indexer, proxy);
  }

  @Test
  void basicAuthAndACaFileCarryTheIndexersWritesAndTheApisSearches() throws Exception {
    assertThat(calls.nearestTo(api, RUN, "a")).containsExactly("a", "b", "c");
    assertThat(proxy.forwardedBulks()).as("bulk requests of the indexer through the proxy").isPositive();
    assertThat(proxy.forwardedSearches()).as("searches of the query API through the proxy").isPositive();
    HttpResponse<String> health = calls.get("http://127.0.0.1:" + indexer.adminPort() + "/health");
    assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
  }

  @Test
  void anApiKeyAndAPinnedFingerprintServeTheSameSearch() throws Exception {
    String fingerprint = ElasticsearchTrust.fingerprint(certificate.certificate());
    try (QueryApi keyed = QueryApi.start(base.with(Map.of(
        Settings.ES_HOSTS, "https://localhost:" + proxy.port(),
        Settings.ES_API_KEY, API_KEY,
        Settings.ES_CA_FINGERPRINT, fingerprint.toUpperCase())))) {
      assertThat(calls.nearestTo(keyed, RUN, "a")).containsExactly("a", "b", "c");
    }
  }

  @Test
  void aWrongPasswordIs503NamingAuthentication() throws Exception {
    int rejectedBefore = proxy.rejected();
    try (QueryApi wrong = QueryApi.start(secured.with(Map.of(Settings.ES_PASSWORD, "wrong-password")))) {
      Response response = calls.call(wrong, "POST", RUN + "/sort-by-similarity", Map.of("id", "a", "k", 3));
      assertThat(response.status()).as(response.body()).isEqualTo(503);
      assertThat(response.json().path("error").asText()).contains("authentication failed")
          .contains(Settings.ES_PASSWORD.envName()).doesNotContain("wrong-password");
    }
    assertThat(proxy.rejected()).isGreaterThan(rejectedBefore);
  }

  @Test
  void anUntrustedCertificateIs503NamingTheCertificate() throws Exception {
    SelfSignedCertificate other = SelfSignedCertificate.create(dir, "other");
    Map<Setting<?>, String> noCa = new HashMap<>();
    noCa.put(Settings.ES_CA_CERT, "");
    for (Map<Setting<?>, String> trust : List.of(noCa, Map.<Setting<?>, String>of(Settings.ES_CA_CERT,
        other.pemFile().toString()))) {
      try (QueryApi untrusting = QueryApi.start(secured.with(trust))) {
        Response response = calls.call(untrusting, "POST", RUN + "/sort-by-similarity", Map.of("id", "a", "k", 3));
        assertThat(response.status()).as(response.body()).isEqualTo(503);
        assertThat(response.json().path("error").asText()).contains("certificate is not trusted")
            .contains(Settings.ES_CA_CERT.envName()).contains(Settings.ES_CA_FINGERPRINT.envName());
      }
    }
  }

  @Test
  void theIndexersHealthSaysWhyItCannotWrite() throws Exception {
    Map<String, Map<Setting<?>, String>> cases = Map.of(
        "authentication failed", Map.of(Settings.ES_PASSWORD, "wrong-password"),
        "certificate is not trusted", Map.of(Settings.ES_CA_CERT, ""));
    for (Map.Entry<String, Map<Setting<?>, String>> failure : cases.entrySet()) {
      Map<Setting<?>, String> overrides = new HashMap<>(failure.getValue());
      // Its own consumer group, so it reads the whole history and must write it. The retry budget stays at its
      // default: these failures must be reported without waiting it out.
      overrides.put(Settings.INDEXER_APPLICATION_ID, "secure-failing-" + UUID.randomUUID());
      overrides.put(Settings.INDEXER_STATE_DIR, dir.resolve("failing-" + UUID.randomUUID()).toString());
      try (Indexer failing = Indexer.start(secured.with(overrides))) {
        String url = "http://127.0.0.1:" + failing.adminPort() + "/health";
        // The failing stream threads are the point here: Awaitility must not fail on their exceptions.
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(500)).dontCatchUncaughtExceptions()
            .untilAsserted(() -> {
              HttpResponse<String> health = calls.get(url);
              assertThat(health.statusCode()).as(health.body()).isEqualTo(503);
              assertThat(health.body()).contains(failure.getKey());
            });
      }
    }
  }
}
