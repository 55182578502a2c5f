package io.simstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.json.Json;
import io.simstream.run.DatasetRecord;
import io.simstream.run.Metric;
import io.simstream.run.SimilarityRun;
import java.io.IOException;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Validation and error mapping that must be decided before any backend is asked, against the
 * real HTTP application over in-memory registries and no Elasticsearch ({@link BackendlessApi}):
 * each case answers {"error": "...", "status": N} naming the problem, Jetty's own refusals included.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ValidationWithoutBackendsTest {
  private static final int DIMS = 4;
  private static final String DATASET = "d";
  private final List<Double> vector = Collections.nCopies(DIMS, 0.5);
  private BackendlessApi server;
  private ApiClient api;

  @BeforeAll
  void start() {
    server = new BackendlessApi("");
    api = server.client();
    assertThat(api.post("/v1/datasets", Map.of("name", DATASET)).status()).isEqualTo(201);
    server.runs.put(SimilarityRun.keyOf(DATASET, "run"), new SimilarityRun("id-1", DATASET, "run", "idx",
        SimilarityRun.PRECOMPUTED, Metric.COSINE, DIMS, null, "int8_hnsw", false, Instant.now()));
  }

  @AfterAll
  void stop() throws IOException {
    server.close();
  }

  @Test
  void unknownDatasetOrBrainKeyIs404() {
    expect(api.post("/v1/datasets/nope/similarity/run/sort-by-similarity", Map.of("vector", vector)), 404,
        "dataset 'nope' is not registered");
    expect(api.post(path("nope", "sort-by-similarity"), Map.of("vector", vector)), 404,
        "has no similarity run with brain key 'nope'");
    expect(api.get("/v1/datasets/" + DATASET + "/similarity/nope"), 404, "brain key 'nope'");
    expect(api.post(path("nope", "embeddings"), null), 404, "brain key 'nope'");
  }

  @Test
  void malformedBodiesAre400() {
    expect(api.post(search(), "{\"vector\": [1, 2"), 400, "not valid JSON");
    expect(api.post(search(), Map.of("vector", vector, "k", "ten")), 400, "field 'k'");
    expect(api.post(search(), null), 400, "request body is missing");
    expect(api.post(search(), "[1, 2]"), 400, "the body");
    expect(api.post("/v1/datasets", "{\"name\": \"x\", \"nmae\": \"y\"}"), 400, "unknown field 'nmae'");
  }

  /** The bodies an HTTP fuzz of the API found answered with 500 or 502. */
  @Test
  void bodiesThatOnceFailedInsideAre400() {
    String overflowing = "[" + String.join(",", Collections.nCopies(DIMS, "3e38")) + "]";
    expect(api.post(search(), "{\"vectors\": [null]}"), 400, "'vectors[0]' must not be null");
    expect(api.post(search(), "{\"ids\": [null]}"), 400, "'ids[0]' must not be null");
    expect(api.post(search(), "{\"id\": \"s\", \"restrictIds\": [null]}"), 400, "'restrictIds[0]' must not be null");
    expect(api.post(search(), "{\"vector\": [1e400, 1, 1, 1]}"), 400, "vector[0] is not a finite float");
    expect(api.post(search(), "{\"vector\": " + overflowing + "}"), 400, "vector is too long");
    expect(api.post(search(), "{\"vector\": [\"Infinity\", 1, 1, 1]}"), 400, "vector[0] is not a finite float");
    expect(api.post(search(), "{\"ids\": [\"\"]}"), 400, "missing field: ids[0]");
    expect(api.post(path("run", "embeddings"), "{\"sampleIds\": [null]}"), 400, "'sampleIds[0]' must not be null");
    expect(api.post(path("run", "embeddings"), Map.of("pageToken", "eyJwaXQiOiJ4In0")), 400,
        "pageToken is not a token this API issued");
  }

  @Test
  void unknownFieldsAreRefusedAndFiftyOneAliasesAccepted() {
    ApiClient.Response misspelt = api.post(search(), Map.of("vector", vector, "restrictIdz", List.of("a")));
    expect(misspelt, 400, "unknown field 'restrictIdz'");
    assertThat(misspelt.error()).contains("restrictIds");
    // restrict_ids gets past validation to the search, which finds no Elasticsearch here.
    expect(api.post(search(), Map.of("vector", vector, "restrict_ids", List.of("a"))), 503,
        "Elasticsearch is unreachable");
  }

  /** A field beside its alias is ambiguous: Jackson would keep the last one silently. */
  @Test
  void aFieldBesideItsAliasIs400NamingBoth() {
    expect(api.post(search(), "{\"id\": \"s\", \"restrictIds\": [\"a\"], \"restrict_ids\": [\"b\"]}"), 400,
        "both 'restrictIds' and its alias 'restrict_ids'");
    expect(api.post(path("run", "embeddings"), "{\"page_size\": 5, \"pageSize\": 10}"), 400,
        "both 'pageSize' and its alias 'page_size'");
  }

  /**
   * Names Elasticsearch would refuse only after the index exists (a 502 then): the write alias
   * "<index>.simstream-write" must stay free and within 255 bytes.
   */
  @Test
  void namesThatWouldCollideWithAWriteAliasAre400() {
    String create = "/v1/datasets/" + DATASET + "/similarity";
    expect(api.post(create, Map.of("brainKey", "a.simstream-write", "dims", DIMS)), 400,
        "must not end with '.simstream-write'");
    expect(api.post(create, Map.of("brainKey", "b.SIMSTREAM-WRITE", "dims", DIMS)), 400,
        "must not end with '.simstream-write'");
    expect(api.post(create, Map.of("brainKey", "c", "indexName", "idx.simstream-write")), 400,
        "is the write alias of index 'idx'");
    expect(api.post(create, Map.of("brainKey", "d", "dims", DIMS, "indexName", "i".repeat(240))), 400,
        "at most 239 characters");
  }

  @Test
  void queryProblemsAre400() {
    expect(api.post(search(), Map.of("vector", List.of(1.0, 2.0))), 400, "vector has 2 dims, but run");
    expect(api.post(search(), Map.of("vectors", List.of(vector, List.of(1.0)))), 400, "vectors[1] has 1 dims");
    expect(api.post(search(), Map.of("vector", vector, "k", 0)), 400, "k must be in 1..10000, got 0");
    expect(api.post(search(), Map.of("vector", vector, "k", 10_001)), 400, "k must be in 1..10000, got 10001");
    expect(api.post(search(), Map.of("ids", List.of())), 400, "ids is empty");
    expect(api.post(search(), Map.of("vectors", List.of())), 400, "vectors is empty");
    expect(api.post(search(), Map.of("id", "s1", "vector", vector)), 400, "give exactly one query");
    expect(api.post(search(), Map.of("k", 5)), 400, "give exactly one query");
    expect(api.post(search(), Map.of("text", "a dog")), 400, "model 'precomputed', which cannot embed text prompts");
    expect(api.post(search(), Map.of("vector", Collections.nCopies(DIMS, 0.0))), 400, "all zeros");
    expect(api.post(search(), Map.of("id", "s1", "restrictLabelIds", List.of("l"))), 400, "patch runs only");
    expect(api.get("/v1/similarity?supportsPrompts=maybe"), 400, "supportsPrompts must be true or false");
  }

  @Test
  void searchEffortOptionsAreChecked() {
    expect(api.post(search(), Map.of("vector", vector, "numCandidates", 9)), 400,
        "numCandidates must be in k..10000 (k = 10), got 9");
    expect(api.post(search(), Map.of("vector", vector, "k", 50, "numCandidates", 49)), 400, "(k = 50), got 49");
    expect(api.post(search(), Map.of("vector", vector, "numCandidates", 10_001)), 400, "got 10001");
    expect(api.post(search(), Map.of("vector", vector, "numCandidates", 500, "exact", true)), 400,
        "numCandidates applies to knn searches");
    expect(api.post(search(), Map.of("vector", vector, "exact", "yes")), 400, "field 'exact'");
    expect(api.post(search(), Map.of("vector", vector, "numCandidates", 1.5)), 400, "field 'numCandidates'");
    // A number is no boolean: 1 must not turn a search into its reverse, 2 into an exact scan.
    expect(api.post(search(), Map.of("vector", vector, "reverse", 1)), 400, "field 'reverse'");
    expect(api.post(search(), Map.of("vector", vector, "exact", 0)), 400, "field 'exact'");
  }

  @Test
  void embeddingsProblemsAre400() {
    expect(api.post(path("run", "embeddings"), Map.of("sampleIds", List.of())), 400, "sampleIds is empty");
    expect(api.post(path("run", "embeddings"), Map.of("labelIds", List.of("a"))), 400, "patch runs only");
    expect(api.post(path("run", "embeddings"), Map.of("pageSize", 0)), 400, "pageSize must be in 1..10000");
    expect(api.post(path("run", "embeddings"), Map.of("pageToken", "garbage")), 400, "pageToken");
    expect(api.post(path("run", "embeddings"), Map.of("sampleIds", List.of("a"), "labelIds", List.of("b"))), 400,
        "not both");
    // Paging belongs to the form that pages; an id list answers in one response.
    expect(api.post(path("run", "embeddings"), Map.of("sampleIds", List.of("a"), "pageToken", "garbage")), 400,
        "pageToken");
    expect(api.post(path("run", "embeddings"), Map.of("sampleIds", List.of("a"), "pageSize", 10)), 400, "pageSize");
  }

  @Test
  void aRenameWithoutTheNewBrainKeyNamesTheBodyField() {
    expect(api.send("PATCH", "/v1/datasets/" + DATASET + "/similarity/run", Map.of()), 400, "missing field: brainKey");
  }

  @Test
  void unknownRoutesAndMethodsAnswerJson() {
    expect(api.get("/v1/nothing-here"), 404, "GET /v1/nothing-here");
    ApiClient.Response wrongMethod = api.send("PUT", "/v1/datasets", Map.of("name", "x"));
    assertThat(wrongMethod.status()).isIn(404, 405);
    assertThat(wrongMethod.json().path("status").asInt()).isEqualTo(wrongMethod.status());
  }

  /** Malformed URIs that Jetty parses: a JSON 400, and the connection serves the next request. */
  @Test
  void malformedUrisAreJson400sOnAConnectionThatStaysOpen() throws IOException {
    String run = "/v1/datasets/" + DATASET + "/similarity/";
    List<String> targets = List.of(run + "%ED%A0%80", run + "%C3", run + "%uD800", "/v1/similarity?x=%zz",
        "/v1/similarity?dataset=%00", "/v1/similarity?dataset=%ED%A0%80", "/v1/similarity?dataset=%");
    try (RawHttp connection = new RawHttp(server.port())) {
      for (String target : targets) {
        RawHttp.Response refused = connection.get(target);
        expectJson(refused, 400, "malformed", target);
        assertThat(refused.headers().get("connection")).as(target).isNull();
        assertThat(connection.get("/health").status()).as("after " + target).isEqualTo(200);
      }
    }
  }

  /**
   * Request lines Jetty cannot parse: its parser loses its place in the stream and closes the
   * connection, after a JSON answer.
   */
  @Test
  void unparseableRequestLinesAreJsonThenTheConnectionCloses() throws IOException {
    Map<String, Integer> targets = Map.of("/v1/datasets/%zz", 400, "/v1/datasets/a%00b", 400, "/v1/datasets/a%", 400,
        "/v1/datasets/a%2", 400, "/v1/datasets/" + "a".repeat(20_000), 414);
    for (Map.Entry<String, Integer> target : targets.entrySet()) {
      try (RawHttp connection = new RawHttp(server.port())) {
        String name = target.getKey().substring(0, Math.min(40, target.getKey().length()));
        RawHttp.Response refused = connection.get(target.getKey());
        expectJson(refused, target.getValue(), target.getValue() == 414 ? "request URI too long" : "malformed", name);
        assertThat(connection.closedByServer()).as(name).isTrue();
      }
    }
  }

  @Test
  void oversizedHeadersAreJson431s() throws IOException {
    try (RawHttp connection = new RawHttp(server.port())) {
      expectJson(connection.get("/health", "X-Big: " + "a".repeat(20_000)), 431, "request headers too large",
          "20 KB header");
      assertThat(connection.closedByServer()).isTrue();
    }
  }

  private static void expectJson(RawHttp.Response response, int status, String messagePart, String target)
      throws IOException {
    assertThat(response.status()).as(target + ": " + response.body()).isEqualTo(status);
    assertThat(response.headers().get("content-type")).as(target).startsWith("application/json");
    JsonNode json = Json.MAPPER.readTree(response.body());
    assertThat(json.path("status").asInt()).as(target).isEqualTo(status);
    assertThat(json.path("error").asText()).as(target).contains(messagePart);
  }

  private static void expect(ApiClient.Response response, int status, String messagePart) {
    assertThat(response.status()).as(response.body()).isEqualTo(status);
    assertThat(response.json().path("status").asInt()).isEqualTo(status);
    assertThat(response.error()).contains(messagePart);
    assertThat(response.body()).doesNotContain("\tat ").doesNotContain("java.");
  }

  private static String search() {
    return path("run", "sort-by-similarity");
  }

  private static String path(String brainKey, String action) {
    return "/v1/datasets/" + DATASET + "/similarity/" + brainKey + "/" + action;
  }
}
