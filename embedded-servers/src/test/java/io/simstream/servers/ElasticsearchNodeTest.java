package io.simstream.servers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A node of its own (not LocalServers'), so the last test can check that close() stops the whole tree. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ElasticsearchNodeTest {

  private static final Logger log = LoggerFactory.getLogger(ElasticsearchNodeTest.class);
  private static final Pattern HIT_ID = Pattern.compile("\"_id\"\\s*:\\s*\"([^\"]+)\"");
  private static final HttpClient http = HttpClient.newHttpClient();

  // The node's folder itself: it gets chowned to the node's user, so JUnit's owner-only mode is fine.
  @TempDir
  static Path workDir;
  private static ElasticsearchNode node;

  @BeforeAll
  static void startNode() throws IOException {
    node = ElasticsearchNode.start(LocalServers.esVersion(), workDir);
    log.info("Elasticsearch {} server RSS {} MB", node.version(), Rss.megabytes(node.pid()));
  }

  @AfterAll
  static void stopNode() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  @Order(1)
  void knnSearchRanksByCosineSimilarity() throws Exception {
    assertThat(send("PUT", "/vectors", """
        {"mappings": {"properties": {
          "name": {"type": "keyword"},
          "embedding": {"type": "dense_vector", "dims": 4, "similarity": "cosine", "index": true}}}}
        """).statusCode()).isEqualTo(200);
    String bulk = """
        {"index": {"_index": "vectors", "_id": "near"}}
        {"name": "near", "embedding": [0.9, 0.1, 0.0, 0.0]}
        {"index": {"_index": "vectors", "_id": "far"}}
        {"name": "far", "embedding": [0.0, 0.2, 1.0, 0.3]}
        """;
    HttpResponse<String> indexed = send("POST", "/_bulk?refresh=true", bulk);
    assertThat(indexed.statusCode()).isEqualTo(200);
    assertThat(indexed.body()).contains("\"errors\":false");

    HttpResponse<String> found = send("POST", "/vectors/_search", """
        {"knn": {"field": "embedding", "query_vector": [1.0, 0.0, 0.1, 0.0], "k": 2, "num_candidates": 10},
         "_source": false}
        """);

    assertThat(found.statusCode()).isEqualTo(200);
    assertThat(hitIds(found.body())).containsExactly("near", "far");
  }

  @Test
  @Order(2)
  void reportsTheVersionItRuns() throws Exception {
    HttpResponse<String> nodes = send("GET", "/_nodes/_local?filter_path=nodes.*.version", null);

    assertThat(nodes.body()).contains("\"version\":\"" + node.version() + "\"");
  }

  @Test
  @Order(3)
  void closeStopsTheLauncherAndTheServer() {
    long serverPid = node.pid();

    node.close();

    assertThat(ProcessHandle.of(serverPid)).isEmpty();
    List<ProcessHandle> left = ProcessHandle.allProcesses()
        .filter(process -> process.info().commandLine().orElse("").contains(workDir.toString()))
        .toList();
    assertThat(left).isEmpty();
  }

  private static HttpResponse<String> send(String method, String path, String json)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node.httpUrl() + path))
        .header("Content-Type", "application/json");
    request.method(method, json == null
        ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(json));
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static List<String> hitIds(String body) {
    Matcher matcher = HIT_ID.matcher(body);
    return matcher.results().map(result -> result.group(1)).toList();
  }
}
