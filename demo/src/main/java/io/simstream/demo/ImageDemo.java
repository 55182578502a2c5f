package io.simstream.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.cli.SimstreamCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The demo's journey on a running stack, as a user takes it: register a dataset and a MobileNetV2 run
 * over HTTP, send a folder of images with {@code simstream produce --wait} (the indexer embeds them),
 * then ask for each query image's nearest neighbours.
 */
public final class ImageDemo {
  public static final String MODEL = "mobilenet-v2-nsfwjs";
  public static final String BRAIN_KEY = "mobilenet";
  /** Generous: on a loaded 2-core machine the first embeddings wait for the model to load. */
  private static final int WAIT_TIMEOUT_SECONDS = 600;

  private final ApiClient client;
  private final String dataset;
  private final String kafkaBootstrap;
  private final String apiUrl;
  private final String token;
  private final PrintWriter out;
  private final PrintWriter err;

  /** @param token the query API's bearer token, empty when it has none */
  public ImageDemo(String dataset, String kafkaBootstrap, String apiUrl, String token, PrintWriter out,
                   PrintWriter err) {
    this.client = new ApiClient(apiUrl, token);
    this.dataset = dataset;
    this.kafkaBootstrap = kafkaBootstrap;
    this.apiUrl = apiUrl;
    this.token = token;
    this.out = out;
    this.err = err;
  }

  /** Registers the dataset and its model run; returns the run as the API describes it. */
  public JsonNode createRun() throws IOException, InterruptedException {
    client.post("/v1/datasets", Map.of("name", dataset));
    return client.post("/v1/datasets/" + dataset + "/similarity",
        Map.of("brainKey", BRAIN_KEY, "model", MODEL, "metric", "cosine"));
  }

  /** {@code simstream produce --folder DIR --wait}; returns its exit status (0 once all is searchable). */
  public int produce(Path folder) {
    return SimstreamCli.run(new String[] {"produce", "-d", dataset, "--folder", folder.toString(), "--wait",
        "--wait-timeout", String.valueOf(WAIT_TIMEOUT_SECONDS), "--kafka", kafkaBootstrap, "--api", apiUrl,
        "--token", token}, out, err);
  }

  /** The k nearest neighbours of a sample (itself first), or the k farthest with reverse. */
  public JsonNode sortBySimilarity(String sampleId, int k, boolean reverse) throws IOException, InterruptedException {
    return client.post(runPath() + "/sort-by-similarity", Map.of("id", sampleId, "k", k, "reverse", reverse));
  }

  public static List<String> sampleIds(JsonNode result) {
    List<String> ids = new ArrayList<>();
    result.path("hits").forEach(hit -> ids.add(hit.path("sampleId").asText()));
    return ids;
  }

  private String runPath() {
    return "/v1/datasets/" + dataset + "/similarity/" + BRAIN_KEY;
  }
}
