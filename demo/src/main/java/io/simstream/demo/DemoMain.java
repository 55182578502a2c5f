package io.simstream.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.api.QueryApi;
import io.simstream.config.Settings;
import io.simstream.config.SimstreamConfig;
import io.simstream.event.SampleAdded;
import io.simstream.indexer.Indexer;
import io.simstream.kafka.ChangeEventProducer;
import io.simstream.kafka.Topics;
import io.simstream.servers.ElasticsearchNode;
import io.simstream.servers.KafkaBroker;
import io.simstream.servers.LocalServers;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The main job on the embedded default: starts a real Kafka broker and Elasticsearch node, the
 * indexer and the query API, feeds the demo dataset through Kafka, queries it over HTTP and prints
 * the answer. The stack stays up until Ctrl-C (or exits at once with {@code --exit}).
 */
public final class DemoMain {
  private static final String DATASET = "demo";
  private static final String BRAIN_KEY = "themes";
  private static final int DIMS = 64;
  private static final int PER_THEME = 250;

  private DemoMain() {
  }

  public static void main(String[] args) throws Exception {
    boolean exitWhenDone = List.of(args).contains("--exit");
    SimstreamConfig config = SimstreamConfig.fromEnvironmentOrExit();
    say("Starting a local Kafka broker and Elasticsearch node (real servers, loopback only)...");
    KafkaBroker kafka = LocalServers.kafka();
    ElasticsearchNode es = LocalServers.elasticsearch();
    say("Kafka at " + kafka.bootstrapServers() + ", Elasticsearch " + es.version() + " at " + es.httpUrl());
    SimstreamConfig local = config.with(Map.of(
        Settings.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
        Settings.ES_HOSTS, es.httpUrl(),
        Settings.INDEXER_STATE_DIR, Files.createTempDirectory("simstream-demo-state").toString()));

    CountDownLatch stop = new CountDownLatch(1);
    try (Indexer indexer = Indexer.start(local);
         QueryApi api = QueryApi.start(local);
         ChangeEventProducer producer = new ChangeEventProducer(local.kafkaClientProperties(),
             Topics.from(local).changes())) {
      String baseUrl = "http://127.0.0.1:" + api.port();
      ApiClient client = new ApiClient(baseUrl);
      run(client, producer);
      say("");
      say("simstream is up: query API " + baseUrl + " (OpenAPI at /v1/openapi.json, metrics at /metrics),"
          + " indexer metrics at http://127.0.0.1:" + indexer.adminPort() + "/metrics");
      if (exitWhenDone) {
        return;
      }
      say("Press Ctrl-C to stop.");
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
      stop.await();
    }
  }

  private static void run(ApiClient client, ChangeEventProducer producer) throws Exception {
    String runPath = "/v1/datasets/" + DATASET + "/similarity/" + BRAIN_KEY;
    client.post("/v1/datasets", Map.of("name", DATASET));
    client.post("/v1/datasets/" + DATASET + "/similarity",
        Map.of("brainKey", BRAIN_KEY, "model", "precomputed", "metric", "cosine", "dims", DIMS));
    List<SampleAdded> samples = DemoData.samples(DATASET, PER_THEME, DIMS, 42);
    say("Producing " + samples.size() + " sample-added events to Kafka...");
    long start = System.nanoTime();
    samples.forEach(producer::send);
    producer.flush();
    awaitIndexed(client, runPath, samples.size(), start);

    String query = DemoData.sampleId("beach", 7);
    printHits("Most similar to " + query + " (k=5):",
        client.post(runPath + "/sort-by-similarity", Map.of("id", query, "k", 5)));
    printHits("Least similar to " + query + " (k=3, reverse):",
        client.post(runPath + "/sort-by-similarity", Map.of("id", query, "k", 3, "reverse", true)));
  }

  private static void awaitIndexed(ApiClient client, String runPath, int expected, long start) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    long size = 0;
    while (size < expected) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("only " + size + " of " + expected + " samples were indexed in 3 minutes");
      }
      Thread.sleep(500);
      size = client.get(runPath + "/size").path("size").asLong();
    }
    say(String.format("All %d samples searchable after %.1f s.", expected, (System.nanoTime() - start) / 1e9));
  }

  private static void printHits(String title, JsonNode result) {
    say("");
    say(title);
    for (JsonNode hit : result.path("hits")) {
      say(String.format("  %-14s cosine distance %.4f", hit.path("sampleId").asText(), hit.path("distance").asDouble()));
    }
  }

  private static void say(String line) {
    System.out.println(line);
  }
}
