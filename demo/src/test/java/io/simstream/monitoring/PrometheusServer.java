package io.simstream.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.json.Json;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus (the Debian package's binary) scraping fixed targets, with its configuration, storage and log
 * in a folder of the test; its HTTP API answers instant queries.
 */
final class PrometheusServer implements AutoCloseable {
  /** Scrapes often, so a rate over {@link MonitoringFiles#RATE_INTERVAL} has many points. */
  static final String SCRAPE_INTERVAL = "2s";

  private final Process process;
  private final Path log;
  private final String baseUrl;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private PrometheusServer(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.baseUrl = "http://127.0.0.1:" + port;
  }

  /** Starts Prometheus in {@code dir}, scraping each job's {@code host:port} target at /metrics. */
  static PrometheusServer start(Path dir, Map<String, String> targetsByJob) throws IOException {
    StringBuilder config = new StringBuilder("""
        global:
          scrape_interval: %s
          scrape_timeout: %s
        scrape_configs:
        """.formatted(SCRAPE_INTERVAL, SCRAPE_INTERVAL));
    targetsByJob.forEach((job, target) -> config.append("""
          - job_name: %s
            metrics_path: /metrics
            static_configs:
              - targets: ["%s"]
        """.formatted(job, target)));
    Files.writeString(dir.resolve("prometheus.yml"), config);
    int port = freePort();
    Path log = dir.resolve("prometheus.log");
    Process process = new ProcessBuilder(Promtool.PROMETHEUS.toString(),
        "--config.file=" + dir.resolve("prometheus.yml"),
        "--storage.tsdb.path=" + dir.resolve("data"),
        "--web.listen-address=127.0.0.1:" + port)
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new PrometheusServer(process, log, port);
  }

  boolean alive() {
    return process.isAlive();
  }

  String log() throws IOException {
    return Files.readString(log);
  }

  /** The `data` of an API GET, e.g. {@code /api/v1/targets}. */
  JsonNode get(String path) throws IOException, InterruptedException {
    HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl + path))
        .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    // Until it is ready Prometheus answers 503 in plain text.
    if (response.statusCode() != 200) {
      throw new IOException("GET " + path + " answered " + response.statusCode() + ": "
          + new String(response.body(), StandardCharsets.UTF_8));
    }
    JsonNode body = Json.MAPPER.readTree(response.body());
    if (!"success".equals(body.path("status").asText())) {
      throw new IOException("GET " + path + " failed: " + body);
    }
    return body.path("data");
  }

  /** The result of an instant query evaluated now: one element per series. */
  JsonNode query(String promQl) throws IOException, InterruptedException {
    return get("/api/v1/query?query=" + URLEncoder.encode(promQl, StandardCharsets.UTF_8)).path("result");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
