package io.simstream.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.api.QueryApi;
import io.simstream.config.ApiAccessChecks;
import io.simstream.config.Settings;
import io.simstream.config.SimstreamConfig;
import io.simstream.indexer.Indexer;
import io.simstream.servers.ElasticsearchNode;
import io.simstream.servers.KafkaBroker;
import io.simstream.servers.LocalServers;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Command 1: starts a real Kafka broker and Elasticsearch node, the indexer and the query API, sends
 * the bundled clip art through {@code simstream produce}, lets the indexer embed it with MobileNetV2,
 * prints some images' nearest neighbours and the results page's address. The stack stays up until
 * Ctrl-C (or exits at once with {@code --exit}).
 */
public final class DemoMain {
  private static final String DATASET = "demo";
  /** Queries whose neighbours are printed by file name; ImageDemoIT checks that most are of the same kind. */
  static final List<String> QUERIES = List.of("cards/simple_c_5.jpg", "fruit/apple.jpg");
  private static final int K = 6;

  private DemoMain() {
  }

  public static void main(String[] args) throws Exception {
    boolean exitWhenDone = List.of(args).contains("--exit");
    SimstreamConfig config = SimstreamConfig.fromEnvironmentOrExit();
    ApiAccessChecks.requireOrExit(config); // before any server starts
    long start = System.nanoTime();
    say("Starting a local Kafka broker and Elasticsearch node (real servers, loopback only)...");
    KafkaBroker kafka = LocalServers.kafka();
    ElasticsearchNode es = LocalServers.elasticsearch();
    say("Kafka at " + kafka.bootstrapServers() + ", Elasticsearch " + es.version() + " at " + es.httpUrl());
    SimstreamConfig local = config.with(Map.of(
        Settings.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
        Settings.ES_HOSTS, es.httpUrl(),
        Settings.INDEXER_STATE_DIR, Files.createTempDirectory("simstream-demo-state").toString()));

    CountDownLatch stop = new CountDownLatch(1);
    try (Indexer indexer = Indexer.start(local); QueryApi api = QueryApi.start(local)) {
      String baseUrl = "http://127.0.0.1:" + api.port();
      run(new ImageDemo(DATASET, kafka.bootstrapServers(), baseUrl, local.get(Settings.API_TOKEN),
          new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
      say("");
      say(String.format("Command 1 took %.0f s from start to the first answers.", (System.nanoTime() - start) / 1e9));
      say("See the images and click through neighbours: " + baseUrl + "/ui");
      say("Query API " + baseUrl + " (OpenAPI at /v1/openapi.json, metrics at /metrics), indexer metrics at"
          + " http://127.0.0.1:" + indexer.adminPort() + "/metrics");
      if (exitWhenDone) {
        return;
      }
      say("Press Ctrl-C to stop.");
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
      stop.await();
    }
  }

  private static void run(ImageDemo demo) throws Exception {
    Path folder = Files.createTempDirectory("simstream-demo-images");
    int count = DemoImages.copyTo(folder);
    JsonNode run = demo.createRun();
    say("Created run '" + ImageDemo.BRAIN_KEY + "' (" + ImageDemo.MODEL + ", cosine) on dataset '" + DATASET + "'.");
    say("Producing " + count + " public-domain clip-art images from " + folder + ":");
    say("  simstream produce -d " + DATASET + " --folder " + folder + " --wait");
    long produceStart = System.nanoTime();
    int status = demo.produce(folder);
    if (status != 0) {
      throw new IllegalStateException("simstream produce exited with status " + status);
    }
    say(String.format("All %d images embedded and searchable %.0f s after produce started.", count,
        (System.nanoTime() - produceStart) / 1e9));
    for (String query : QUERIES) {
      say("");
      say("Nearest to " + query + " (k=" + K + ", cosine distance; open " + folder.resolve(query) + " to compare):");
      for (JsonNode hit : demo.sortBySimilarity(query, K, false).path("hits")) {
        say(String.format("  %-44s %.4f", hit.path("sampleId").asText(), hit.path("distance").asDouble()));
      }
    }
    say("");
    say(run.path("supportsPrompts").asBoolean()
        ? "This run takes text prompts: POST .../sort-by-similarity {\"text\": \"a red apple\"}."
        : "No text query: the bundled MobileNetV2 has no text tower; a clip-onnx run with user-supplied CLIP"
            + " files takes prompts (docs/models.md).");
  }

  private static void say(String line) {
    System.out.println(line);
  }
}
