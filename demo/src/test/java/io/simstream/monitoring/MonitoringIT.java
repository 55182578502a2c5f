package io.simstream.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.api.QueryApi;
import io.simstream.config.SimstreamConfig;
import io.simstream.demo.ApiClient;
import io.simstream.event.SampleAdded;
import io.simstream.indexer.Indexer;
import io.simstream.kafka.ChangeEventProducer;
import io.simstream.kafka.Topics;
import io.simstream.servers.LocalStackConfig;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard on live data: the real Kafka and Elasticsearch, the indexer and the query API, scraped by a real
 * Prometheus while events (precomputed vectors, an image to embed, a malformed record), a backfill and queries go
 * through. Every panel query of the dashboard must return data (a failure counter too: it reads 0 from the start);
 * `promtool check metrics` must accept both endpoints. The query results are printed for the closing note.
 */
class MonitoringIT {
  private static final String INDEXER_JOB = "simstream-indexer";
  private static final String API_JOB = "simstream-query-api";

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void everyPanelQueryAnswersFromARealScrape(@TempDir Path dir) throws Exception {
    String missing = Promtool.unavailable();
    assumeTrue(missing == null, () -> "skipped: " + missing);
    Files.createDirectories(dir.resolve("state"));
    SimstreamConfig config = LocalStackConfig.withStateDir(dir.resolve("state"));
    try (Indexer indexer = Indexer.start(config);
         QueryApi api = QueryApi.start(config);
         ChangeEventProducer producer = new ChangeEventProducer(config.kafkaClientProperties(),
             Topics.from(config).changes());
         PrometheusServer prometheus = PrometheusServer.start(Files.createDirectories(dir.resolve("prometheus")),
             Map.of(INDEXER_JOB, "127.0.0.1:" + indexer.adminPort(), API_JOB, "127.0.0.1:" + api.port()))) {
      String indexerMetrics = "http://127.0.0.1:" + indexer.adminPort() + "/metrics";
      String apiMetrics = "http://127.0.0.1:" + api.port() + "/metrics";
      ApiClient client = new ApiClient("http://127.0.0.1:" + api.port());
      Awaitility.await("both targets up").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
          .ignoreExceptionsInstanceOf(IOException.class).until(() -> upTargets(prometheus) == 2);

      // Precomputed vectors, then a second run over the same samples, which the indexer backfills.
      client.post("/v1/datasets", Map.of("name", "watched"));
      client.post("/v1/datasets/watched/similarity",
          Map.of("brainKey", "vec", "model", "precomputed", "metric", "cosine", "dims", 4));
      List<SampleAdded> samples = IntStream.range(0, 40).mapToObj(MonitoringIT::vectorSample).toList();
      samples.forEach(producer::send);
      producer.flush();
      awaitSize(client, "/v1/datasets/watched/similarity/vec", samples.size());
      client.post("/v1/datasets/watched/similarity",
          Map.of("brainKey", "backfilled", "model", "precomputed", "metric", "euclidean", "dims", 4));
      awaitSize(client, "/v1/datasets/watched/similarity/backfilled", samples.size());

      // An image embedded by the bundled model, and a record that is not JSON (a dead letter).
      Path image = dir.resolve("stripes.png");
      ImageIO.write(stripes(), "png", image.toFile());
      client.post("/v1/datasets", Map.of("name", "pictures"));
      client.post("/v1/datasets/pictures/similarity",
          Map.of("brainKey", "mobilenet", "model", "mobilenet-v2-nsfwjs", "metric", "cosine", "dims", 1280));
      producer.send(new SampleAdded(1, "pictures", "stripes-0", image.toString(), Map.of(), List.of(), Instant.now()));
      producer.flush();
      awaitSize(client, "/v1/datasets/pictures/similarity/mobilenet", 1);
      producer.sendRaw("watched/broken", "{not json".getBytes(StandardCharsets.UTF_8)).get();
      Awaitility.await("a dead letter counted").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
          .until(() -> fetch(indexerMetrics).contains("simstream_indexer_dead_letters_total{"));

      // Traffic while the rate windows fill: more samples, images and queries every round.
      List<MonitoringFiles.PanelQuery> queries = MonitoringFiles.queries(MonitoringFiles.dashboard());
      Map<MonitoringFiles.PanelQuery, JsonNode> results = new LinkedHashMap<>();
      AtomicInteger round = new AtomicInteger();
      // A request timing out on a loaded machine is tried again next round.
      Awaitility.await("every panel query answers").atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(3))
          .ignoreExceptionsInstanceOf(IOException.class).until(() -> {
            assertThat(prometheus.alive()).as("prometheus running").isTrue();
            traffic(client, producer, image, round.incrementAndGet());
            for (MonitoringFiles.PanelQuery query : queries) {
              results.put(query, prometheus.query(query.expr()));
            }
            return results.values().stream().allMatch(MonitoringIT::hasFiniteValue);
          });

      System.out.println("Dashboard queries on live data (job " + INDEXER_JOB + " and " + API_JOB + "):");
      results.forEach((query, result) -> System.out.println("- " + query.panel() + ": " + query.expr() + "\n    -> "
          + summary(result)));
      assertOneSeriesPerPartition(prometheus, results);

      Map<String, Promtool.Result> checks = new LinkedHashMap<>();
      for (String endpoint : List.of(indexerMetrics, apiMetrics)) {
        checks.put(endpoint, Promtool.checkMetrics(fetch(endpoint)));
        System.out.println("promtool check metrics " + endpoint + ": exit " + checks.get(endpoint).exitCode() + "\n"
            + checks.get(endpoint).output());
      }
      checks.forEach((endpoint, check) -> {
        // Exit 1 = not parseable, 3 = lint remarks only. The Kafka clients' meters keep Kafka's own names
        // (io_time_ns, start_time_ms, connection_count), which Kafka dashboards expect; every other remark fails.
        assertThat(check.exitCode()).as(endpoint + ": " + check.output()).isIn(0, 3);
        assertThat(check.output().lines().filter(line -> !line.isBlank() && !line.startsWith("kafka_")))
            .as(endpoint + ": lint remarks on simstream, JVM and process meters").isEmpty();
      });
    }
  }

  /**
   * The consumers report each partition of simstream.changes twice (also as simstream_changes, a deprecated
   * name); the lag panel must show it once.
   */
  private static void assertOneSeriesPerPartition(PrometheusServer prometheus,
      Map<MonitoringFiles.PanelQuery, JsonNode> results) throws IOException, InterruptedException {
    JsonNode lag = results.entrySet().stream().filter(e -> e.getKey().panel().equals(MonitoringFiles.LAG_PANEL))
        .map(Map.Entry::getValue).findFirst().orElseThrow();
    List<String> partitions = new ArrayList<>();
    lag.forEach(series -> partitions.add(series.path("metric").path("topic").asText().replace('.', '_') + "["
        + series.path("metric").path("partition").asText() + "]"));
    System.out.println("Lag panel: " + partitions.size() + " series; raw series under the deprecated topic name: "
        + prometheus.query("kafka_consumer_fetch_manager_records_lag{topic=\"simstream_changes\"}").size());
    assertThat(partitions).as("lag panel series by topic and partition").isNotEmpty().doesNotHaveDuplicates();
  }

  private static long upTargets(PrometheusServer prometheus) throws IOException, InterruptedException {
    long up = 0;
    for (JsonNode target : prometheus.get("/api/v1/targets").path("activeTargets")) {
      up += "up".equals(target.path("health").asText()) ? 1 : 0;
    }
    return up;
  }

  private static void awaitSize(ApiClient client, String run, int size) {
    Awaitility.await(run + " holds " + size).atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
        .ignoreExceptionsInstanceOf(IOException.class).until(() -> client.get(run + "/size").path("size").asLong() == size);
  }

  private static void traffic(ApiClient client, ChangeEventProducer producer, Path image, int round)
      throws IOException, InterruptedException {
    producer.send(vectorSample(1000 + round));
    producer.send(new SampleAdded(1, "pictures", "stripes-" + round, image.toString(), Map.of(), List.of(),
        Instant.now()));
    producer.flush();
    client.post("/v1/datasets/watched/similarity/vec/sort-by-similarity",
        Map.of("id", "s-0", "k", 5));
    client.get("/v1/datasets/watched/similarity/backfilled/size");
    try {
      client.get("/v1/datasets/watched/similarity/no-such-run/size");
    } catch (IOException expected) {
      // A 404 gives the status panels a second status.
    }
  }

  private String fetch(String url) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(url).isEqualTo(200);
    return response.body();
  }

  private static boolean hasFiniteValue(JsonNode result) {
    for (JsonNode series : result) {
      double value = Double.parseDouble(series.path("value").path(1).asText("NaN"));
      if (Double.isFinite(value)) {
        return true;
      }
    }
    return false;
  }

  /** Series as {labels}=value, at most five. */
  private static String summary(JsonNode result) {
    StringBuilder text = new StringBuilder();
    int shown = 0;
    for (JsonNode series : result) {
      if (shown++ == 5) {
        return text.append(" ... (").append(result.size()).append(" series)").toString();
      }
      text.append(shown > 1 ? "; " : "").append(series.path("metric")).append('=')
          .append(series.path("value").path(1).asText());
    }
    return text.toString();
  }

  /** A sample of dataset `watched` with a 4-d vector of its own. */
  private static SampleAdded vectorSample(int n) {
    float[] vector = {1 + n % 7, n % 5, n % 3, 1};
    return new SampleAdded(1, "watched", "s-" + n, null, Map.of("default", vector), List.of(), Instant.now());
  }

  private static BufferedImage stripes() {
    BufferedImage image = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
    for (int x = 0; x < image.getWidth(); x++) {
      for (int y = 0; y < image.getHeight(); y++) {
        image.setRGB(x, y, (x / 8) % 2 == 0 ? 0x2040C0 : 0xE0E0E0);
      }
    }
    return image;
  }
}
