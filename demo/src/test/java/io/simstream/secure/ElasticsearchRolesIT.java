package io.simstream.secure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.api.QueryApi;
import io.simstream.config.Settings;
import io.simstream.config.SimstreamConfig;
import io.simstream.event.SampleAdded;
import io.simstream.event.SampleDeleted;
import io.simstream.indexer.Indexer;
import io.simstream.json.Json;
import io.simstream.kafka.ChangeEventProducer;
import io.simstream.kafka.Topics;
import io.simstream.secure.SecuredStackSupport.Response;
import io.simstream.servers.ElasticsearchNode;
import io.simstream.servers.LocalServers;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The roles that docs/deployment.md tells operators to create, as written there, on a node with security on: the
 * indexer and the query API, each as a user with its documented role, carry a run from its creation to its
 * cleanup, and the node refuses what the roles leave out.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ElasticsearchRolesIT {
  private static final Path DEPLOYMENT_DOC = Path.of("..", "docs", "deployment.md");
  private static final Pattern REQUEST_LINE = Pattern.compile("^(POST|PUT) (/\\S+)$");
  private static final ElasticsearchNode.Credentials INDEXER =
      new ElasticsearchNode.Credentials("simstream-indexer", "indexer-" + UUID.randomUUID());
  private static final ElasticsearchNode.Credentials QUERY_API =
      new ElasticsearchNode.Credentials("simstream-query-api", "query-" + UUID.randomUUID());
  // A user whose only role reads other indexes: what an operator gets when a role misses the runs' names.
  private static final ElasticsearchNode.Credentials ELSEWHERE =
      new ElasticsearchNode.Credentials("simstream-elsewhere", "elsewhere-" + UUID.randomUUID());
  private static final String DATASET = "roles";
  private static final String RUNS = "/v1/datasets/" + DATASET + "/similarity";
  // Generous: JVM-internal Kafka Streams start, rebalances and Elasticsearch refreshes on a loaded 2-core machine.
  private static final Duration DEADLINE = Duration.ofMinutes(3);

  private final HttpClient http = HttpClient.newHttpClient();
  private final SecuredStackSupport calls = new SecuredStackSupport();
  private ElasticsearchNode node;
  private SimstreamConfig base;
  private SimstreamConfig indexerConfig;
  private Indexer indexer;
  private QueryApi api;

  private record DocumentedRequest(String method, String path, String body) {
  }

  @BeforeAll
  void createTheDocumentedRolesAndStart(@TempDir Path dir) throws Exception {
    node = LocalServers.securedElasticsearch();
    List<DocumentedRequest> documented = documentedRequests();
    assertThat(documented).extracting(DocumentedRequest::path)
        .containsExactly("/_security/role/simstream_indexer", "/_security/role/simstream_query_api",
            "/_security/api_key");
    // The API key is the indexer's role under another name: this node cannot make keys (see FileRealm).
    JsonNode keyDescriptor = Json.MAPPER.readTree(documented.get(2).body()).path("role_descriptors");
    assertThat(keyDescriptor.path("simstream_indexer")).isEqualTo(Json.MAPPER.readTree(documented.get(0).body()));
    StringBuilder roles = new StringBuilder();
    for (DocumentedRequest role : documented.subList(0, 2)) {
      roles.append(role.path().substring(role.path().lastIndexOf('/') + 1)).append(":\n")
          .append(role.body().indent(2));
    }
    roles.append("simstream_elsewhere:\n  {\"indices\": [{\"names\": [\"other-*\"], \"privileges\": [\"read\"]}]}\n");
    node.writeRoles(roles.toString());
    Map<ElasticsearchNode.Credentials, String> users = Map.of(INDEXER, "simstream_indexer",
        QUERY_API, "simstream_query_api", ELSEWHERE, "simstream_elsewhere");
    users.forEach((user, role) -> node.addUser(user, List.of(role)));
    users.forEach((user, role) -> await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      Response me = elasticsearch("GET", "/_security/_authenticate", null, user.authorization());
      assertThat(me.status()).as(me.body()).isEqualTo(200);
      assertThat(me.json().path("roles").toString()).contains(role);
    }));

    base = SecuredStackSupport.ownTopics("roles", dir).with(Map.of(Settings.ES_HOSTS, node.httpUrl()));
    indexerConfig = base.with(Map.of(Settings.ES_USERNAME, INDEXER.name(), Settings.ES_PASSWORD, INDEXER.password()));
    indexer = Indexer.start(indexerConfig);
    api = QueryApi.start(base.with(Map.of(Settings.ES_USERNAME, QUERY_API.name(), Settings.ES_PASSWORD,
        QUERY_API.password())));
  }

  @AfterAll
  void stop() {
    SecuredStackSupport.closeAll(api, indexer);
  }

  @Test
  void theDocumentedRolesCarryARunFromCreationToCleanup() throws Exception {
    assertThat(call("POST", "/v1/datasets", Map.of("name", DATASET)).status()).isIn(200, 201);
    Response created = call("POST", RUNS, Map.of("brainKey", "vec", "model", "precomputed", "metric", "cosine",
        "dims", 4));
    assertThat(created.status()).as(created.body()).isIn(200, 201);
    Map<String, float[]> vectors = Map.of("a", new float[] {1, 0, 0, 0}, "b", new float[] {0.9f, 0.1f, 0, 0},
        "c", new float[] {0, 0, 1, 0});
    try (ChangeEventProducer producer = new ChangeEventProducer(indexerConfig.kafkaClientProperties(),
        Topics.from(indexerConfig).changes())) {
      vectors.forEach((id, vector) -> producer.send(new SampleAdded(1, DATASET, id, null,
          Map.of("default", vector), List.of(), Instant.now())));
      producer.flush();
      awaitSize("vec", 3);

      assertThat(nearestTo("vec", "a")).containsExactly("a", "b", "c");
      Response embeddings = call("POST", RUNS + "/vec/embeddings", Map.of("sampleIds", List.of("a", "c")));
      assertThat(embeddings.status()).as(embeddings.body()).isEqualTo(200);
      assertThat(embeddings.body()).contains("\"a\"").contains("\"c\"");
      assertThat(call("GET", "/ready", null).status()).isEqualTo(200);

      producer.send(new SampleDeleted(1, DATASET, "c", Instant.now()));
      producer.flush();
      awaitSize("vec", 2);
    }
    assertThat(nearestTo("vec", "a")).containsExactly("a", "b");

    Response renamed = call("PATCH", RUNS + "/vec", Map.of("brainKey", "vec2"));
    assertThat(renamed.status()).as(renamed.body()).isEqualTo(200);
    assertThat(nearestTo("vec2", "b")).containsExactly("b", "a");

    Response deleted = call("DELETE", RUNS + "/vec2?cleanup=true", null);
    assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
    assertThat(deleted.json().path("deleted").asBoolean()).as(deleted.body()).isTrue();
    String index = deleted.json().path("indexName").asText();
    assertThat(index).isEqualTo("simstream-" + DATASET + "-vec");
    String admin = node.superuser().orElseThrow().authorization();
    assertThat(elasticsearch("GET", "/" + index, null, admin).status()).as("the index after cleanup").isEqualTo(404);
    HttpResponse<String> health = calls.get("http://127.0.0.1:" + indexer.adminPort() + "/health");
    assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
  }

  @Test
  void theNodeRefusesWhatTheRolesLeaveOut() throws Exception {
    String bulk = "{\"index\":{\"_index\":\"simstream-roles-probe\",\"_id\":\"x\"}}\n{\"sample_id\":\"x\"}\n";
    Response write = elasticsearch("POST", "/_bulk", bulk, QUERY_API.authorization());
    assertThat(write.status()).as("the query API's role writes no documents: " + write.body()).isEqualTo(403);

    Response outside = elasticsearch("PUT", "/not-simstream", "{}", INDEXER.authorization());
    assertThat(outside.status()).as("the indexer's role holds only simstream-*: " + outside.body()).isEqualTo(403);
    assertThat(elasticsearch("GET", "/_cluster/health", null, null).status()).as("no credentials").isEqualTo(401);
  }

  @Test
  void anApiWhoseRoleCannotReadTheRunIndexesIsNotReadyAndSaysWhy() throws Exception {
    assertThat(call("POST", "/v1/datasets", Map.of("name", "roles-ready")).status()).isIn(200, 201);
    Response created = call("POST", "/v1/datasets/roles-ready/similarity", Map.of("brainKey", "vec",
        "model", "precomputed", "metric", "cosine", "dims", 4));
    assertThat(created.status()).as(created.body()).isIn(200, 201);
    try (QueryApi blind = QueryApi.start(base.with(Map.of(Settings.ES_USERNAME, ELSEWHERE.name(),
        Settings.ES_PASSWORD, ELSEWHERE.password())))) {
      await().atMost(DEADLINE).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
        HttpResponse<String> ready = calls.get("http://127.0.0.1:" + blind.port() + "/ready");
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
        assertThat(ready.body()).contains("simstream-roles-ready-vec").contains("403");
      });
    }
  }

  /** The requests of the code block under "Elasticsearch roles per service", as an operator would paste them. */
  private static List<DocumentedRequest> documentedRequests() throws IOException {
    String doc = Files.readString(DEPLOYMENT_DOC);
    String section = doc.substring(doc.indexOf("### Elasticsearch roles per service"));
    int open = section.indexOf("```\n") + 4;
    String block = section.substring(open, section.indexOf("```", open));
    List<DocumentedRequest> requests = new ArrayList<>();
    String method = null;
    String path = null;
    StringBuilder body = new StringBuilder();
    for (String line : (block + "\n").split("\n", -1)) {
      Matcher request = REQUEST_LINE.matcher(line);
      if (request.matches()) {
        method = request.group(1);
        path = request.group(2);
      } else if (line.isBlank() && method != null) {
        requests.add(new DocumentedRequest(method, path, body.toString()));
        method = null;
        body.setLength(0);
      } else if (method != null) {
        body.append(line).append('\n');
      }
    }
    return requests;
  }

  private void awaitSize(String brainKey, long size) {
    await().atMost(DEADLINE).pollInterval(Duration.ofMillis(500))
        .until(() -> call("GET", RUNS + "/" + brainKey + "/size", null).json().path("size").asLong() == size);
  }

  private List<String> nearestTo(String brainKey, String id) throws Exception {
    return calls.nearestTo(api, RUNS + "/" + brainKey, id);
  }

  private Response call(String method, String path, Object body) throws IOException, InterruptedException {
    return calls.call(api, method, path, body);
  }

  private Response elasticsearch(String method, String path, String body, String authorization)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node.httpUrl() + path))
        .timeout(Duration.ofSeconds(60))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", path.endsWith("_bulk") ? "application/x-ndjson" : "application/json");
    }
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Response(response.statusCode(), response.body());
  }
}
