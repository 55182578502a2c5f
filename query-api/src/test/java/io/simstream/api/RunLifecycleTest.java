package io.simstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.elasticsearch.IndexMapping;
import io.simstream.elasticsearch.VectorFieldSpec;
import io.simstream.config.Settings;
import io.simstream.json.Json;
import io.simstream.kafka.Topics;
import io.simstream.run.Metric;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Datasets and runs: register, create (new or existing index), list, info, rename, delete, cleanup, size. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RunLifecycleTest {
  private final ApiClient api = SharedApi.client();
  private final String dataset = "Life-" + UUID.randomUUID().toString().substring(0, 8);

  @BeforeAll
  void register() {
    assertThat(api.post("/v1/datasets", Map.of("name", dataset)).status()).isEqualTo(201);
  }

  @Test
  void datasetRegistrationIsIdempotentAndListed() {
    ApiClient.Response again = api.post("/v1/datasets", Map.of("name", dataset));
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().path("name").asText()).isEqualTo(dataset);
    assertThat(api.get("/v1/datasets").json().path("datasets").findValuesAsText("name")).contains(dataset);
  }

  @Test
  void createWithDefaultsThenInfoListRenameDeleteCleanup() {
    ApiClient.Response created = create(Map.of("brainKey", "Clip_A", "dims", 16));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    JsonNode run = created.json().path("run");
    String index = run.path("indexName").asText();
    assertThat(index).isEqualTo(("simstream-" + dataset + "-clip_a").toLowerCase());
    assertThat(created.json().path("indexCreated").asBoolean()).isTrue();
    assertThat(run.path("model").asText()).isEqualTo("precomputed");
    assertThat(run.path("metric").asText()).isEqualTo("cosine");
    assertThat(run.path("indexOptions").asText()).isEqualTo("int8_flat");
    assertThat(run.path("supportsPrompts").asBoolean()).isFalse();

    EsLoader.load(index, VectorData.clustered("s", 25, Metric.COSINE, 4));
    JsonNode info = api.get(runPath("Clip_A")).json();
    assertThat(info.path("indexSize").asLong()).isEqualTo(25);
    assertThat(info.path("indexExists").asBoolean()).isTrue();
    assertThat(api.get(runPath("Clip_A") + "/size").json().path("size").asLong()).isEqualTo(25);
    assertThat(api.get("/v1/similarity?dataset=" + dataset).json().path("runs").findValuesAsText("brainKey"))
        .contains("Clip_A");
    assertThat(api.get("/v1/similarity?dataset=" + dataset + "&supportsPrompts=true").json().path("runs")).isEmpty();

    ApiClient.Response renamed = api.patch(runPath("Clip_A"), Map.of("brainKey", "clip_b"));
    assertThat(renamed.status()).as(renamed.body()).isEqualTo(200);
    assertThat(renamed.json().path("id").asText()).isEqualTo(run.path("id").asText());
    assertThat(renamed.json().path("embeddingsKey").asText()).as("what producers key vectors by stays")
        .isEqualTo("Clip_A");
    assertThat(api.get(runPath("Clip_A")).status()).isEqualTo(404);
    assertThat(api.get(runPath("clip_b")).json().path("indexName").asText()).isEqualTo(index);

    ApiClient.Response cleaned = api.post(runPath("clip_b") + "/cleanup", null);
    assertThat(cleaned.status()).as(cleaned.body()).isEqualTo(200);
    assertThat(cleaned.json().path("deleted").asBoolean()).isTrue();
    assertThat(api.get(runPath("clip_b") + "/size").json().path("indexExists").asBoolean()).isFalse();
    ApiClient.Response searchAfterCleanup = api.post(runPath("clip_b") + "/sort-by-similarity",
        Map.of("vector", Collections.nCopies(16, 1.0)));
    assertThat(searchAfterCleanup.status()).isEqualTo(404);
    assertThat(searchAfterCleanup.error()).contains(index).contains("does not exist");
    // An empty restriction has no hits to find, but the index it would search is still missing.
    ApiClient.Response restrictedAfterCleanup = api.post(runPath("clip_b") + "/sort-by-similarity",
        Map.of("vector", Collections.nCopies(16, 1.0), "restrictIds", List.of()));
    assertThat(restrictedAfterCleanup.status()).as(restrictedAfterCleanup.body()).isEqualTo(404);
    // mget answers 200 with the missing index inside each item: still the index's 404, not "not in the index".
    ApiClient.Response byIdAfterCleanup = api.post(runPath("clip_b") + "/sort-by-similarity", Map.of("id", "s1"));
    assertThat(byIdAfterCleanup.status()).as(byIdAfterCleanup.body()).isEqualTo(404);
    assertThat(byIdAfterCleanup.error()).contains(index);
    ApiClient.Response embeddingsAfterCleanup = api.post(runPath("clip_b") + "/embeddings",
        Map.of("sampleIds", List.of("s1")));
    assertThat(embeddingsAfterCleanup.status()).as(embeddingsAfterCleanup.body()).isEqualTo(404);

    assertThat(api.delete(runPath("clip_b")).status()).isEqualTo(204);
    assertThat(api.get(runPath("clip_b")).status()).isEqualTo(404);
  }

  /**
   * Deleting a run with its index removes the record first, in a tombstone that tells the indexer the index goes
   * too: deleted the other way round, a write in between creates the index again and it outlives the run.
   */
  @Test
  void aRunDeletedWithItsIndexLeavesAMarkedTombstoneThenNoIndex() {
    ApiClient.Response created = create(Map.of("brainKey", "gone", "dims", 4));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String index = created.json().path("run").path("indexName").asText();

    ApiClient.Response deleted = api.delete(runPath("gone") + "?cleanup=true");

    assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
    assertThat(deleted.json().path("indexName").asText()).isEqualTo(index);
    assertThat(deleted.json().path("deleted").asBoolean()).isTrue();
    assertThat(api.get(runPath("gone")).status()).isEqualTo(404);
    assertThat(EsLoader.send("GET", "/" + index, new byte[0], "application/json")).contains("index_not_found");
    assertThat(lastRunRecord(dataset + "/gone")).satisfies(tombstone -> {
      assertThat(tombstone.value()).isNull();
      assertThat(tombstone.headers().lastHeader(Topics.RUN_CLEANUP_HEADER).value())
          .isEqualTo(index.getBytes(StandardCharsets.UTF_8));
    });
    assertThat(api.delete(runPath("gone") + "?cleanup=maybe").status()).isEqualTo(400);
  }

  /**
   * An index Elasticsearch will not delete once the run's record is gone: the answer says the run is deleted and its
   * index is not, so the caller does not take the whole call for undone and retry into a 404.
   */
  @Test
  void aRunWhoseIndexCannotBeDeletedIsDeletedAndTheAnswerSaysTheIndexIsLeft() {
    ApiClient.Response created = create(Map.of("brainKey", "stuck", "dims", 4));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String index = created.json().path("run").path("indexName").asText();
    EsLoader.send("PUT", "/" + index + "/_settings", "{\"index.blocks.read_only\":true}"
        .getBytes(StandardCharsets.UTF_8), "application/json");
    try {
      ApiClient.Response deleted = api.delete(runPath("stuck") + "?cleanup=true");

      assertThat(deleted.status()).as(deleted.body()).isGreaterThanOrEqualTo(500);
      assertThat(deleted.error()).contains("run 'stuck' of dataset '" + dataset + "' is deleted")
          .contains("index '" + index + "' is not").contains("cluster_block_exception");
      assertThat(api.get(runPath("stuck")).status()).isEqualTo(404);
      assertThat(lastRunRecord(dataset + "/stuck").headers().lastHeader(Topics.RUN_CLEANUP_HEADER)).isNotNull();
    } finally {
      EsLoader.send("PUT", "/" + index + "/_settings", "{\"index.blocks.read_only\":null}"
          .getBytes(StandardCharsets.UTF_8), "application/json");
      EsLoader.send("DELETE", "/" + index, new byte[0], "application/json");
    }
  }

  /** The last record of the runs topic with this key. */
  private static ConsumerRecord<String, byte[]> lastRunRecord(String key) {
    Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestBackends.kafka(),
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
      TopicPartition runs = new TopicPartition(SharedApi.config().get(Settings.TOPIC_RUNS), 0);
      consumer.assign(List.of(runs));
      consumer.seekToBeginning(List.of(runs));
      long end = consumer.endOffsets(List.of(runs)).get(runs);
      ConsumerRecord<String, byte[]> last = null;
      while (consumer.position(runs) < end) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
          if (key.equals(record.key())) {
            last = record;
          }
        }
      }
      return last;
    }
  }

  @Test
  void dimsTheIndexTypeCannotTakeAreRefusedBeforeElasticsearchIs() {
    ApiClient.Response oddInt4 = create(Map.of("brainKey", "odd4", "dims", 3, "indexOptions", "int4_hnsw"));
    assertThat(oddInt4.status()).as(oddInt4.body()).isEqualTo(400);
    assertThat(oddInt4.error()).contains("int4_hnsw").contains("even");
    ApiClient.Response smallBbq = create(Map.of("brainKey", "bbq", "dims", 32, "indexOptions", "bbq_flat"));
    assertThat(smallBbq.status()).as(smallBbq.body()).isEqualTo(400);
    assertThat(smallBbq.error()).contains("bbq_flat").contains("64");
    assertThat(create(Map.of("brainKey", "even4", "dims", 4, "indexOptions", "int4_flat")).status()).isEqualTo(201);
  }

  @Test
  void generatedIndexNamesAreMadeUnique() {
    String taken = ("simstream-" + dataset + "-taken").toLowerCase();
    EsLoader.send("PUT", "/" + taken, "{}".getBytes(), "application/json");
    ApiClient.Response created = create(Map.of("brainKey", "taken", "dims", 8));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.json().path("run").path("indexName").asText()).isEqualTo(taken + "-2");
  }

  @Test
  void connectingToAnExistingIndexReadsItsMapping() {
    ApiClient.Response first = create(Map.of("brainKey", "src", "metric", "euclidean", "dims", 12,
        "indexOptions", "hnsw"));
    String index = first.json().path("run").path("indexName").asText();
    assertThat(api.delete(runPath("src")).status()).isEqualTo(204);

    ApiClient.Response connected = create(Map.of("brainKey", "again", "indexName", index));
    assertThat(connected.status()).as(connected.body()).isEqualTo(201);
    assertThat(connected.json().path("indexCreated").asBoolean()).isFalse();
    JsonNode run = connected.json().path("run");
    assertThat(run.path("metric").asText()).isEqualTo("euclidean");
    assertThat(run.path("dims").asInt()).isEqualTo(12);
    assertThat(run.path("indexOptions").asText()).isEqualTo("hnsw");

    ApiClient.Response shared = create(Map.of("brainKey", "third", "indexName", index));
    assertThat(shared.status()).isEqualTo(409);
    assertThat(shared.error()).contains("already backs run");
  }

  /** An alias names another run's index under another name: a second run would share its documents. */
  @Test
  void anAliasIsNotConnectedTo() {
    ApiClient.Response first = create(Map.of("brainKey", "aliased", "dims", 4));
    String index = first.json().path("run").path("indexName").asText();
    String alias = ("alias-" + dataset).toLowerCase();
    EsLoader.send("PUT", "/" + index + "/_alias/" + alias, new byte[0], "application/json");

    ApiClient.Response byAlias = create(Map.of("brainKey", "by-alias", "indexName", alias));
    assertThat(byAlias.status()).as(byAlias.body()).isEqualTo(400);
    assertThat(byAlias.error()).contains("'" + alias + "' is an alias of index '" + index + "'");
    ApiClient.Response byWriteAlias = create(Map.of("brainKey", "by-write-alias", "indexName",
        index + ".simstream-write"));
    assertThat(byWriteAlias.status()).as(byWriteAlias.body()).isEqualTo(400);
    assertThat(byWriteAlias.error()).contains("write alias of index '" + index + "'");
  }

  /** Restrictions are term queries on sample_id and label_id: on a text field they would match nothing. */
  @Test
  void anIndexWhoseIdFieldsAreNotKeywordsIsNotConnectedTo() {
    String index = ("text-ids-" + dataset).toLowerCase();
    EsLoader.send("PUT", "/" + index, ("{\"mappings\":{\"properties\":{\"sample_id\":{\"type\":\"text\"},"
        + "\"vector\":{\"type\":\"dense_vector\",\"dims\":4,\"index\":true,\"similarity\":\"cosine\"}}}}")
        .getBytes(), "application/json");
    ApiClient.Response textSampleId = create(Map.of("brainKey", "text-ids", "indexName", index));
    assertThat(textSampleId.status()).as(textSampleId.body()).isEqualTo(409);
    assertThat(textSampleId.error()).contains("sample_id").contains("text").contains("keyword");

    String labels = ("long-labels-" + dataset).toLowerCase();
    EsLoader.send("PUT", "/" + labels, ("{\"mappings\":{\"properties\":{\"sample_id\":{\"type\":\"keyword\"},"
        + "\"label_id\":{\"type\":\"long\"},"
        + "\"vector\":{\"type\":\"dense_vector\",\"dims\":4,\"index\":true,\"similarity\":\"cosine\"}}}}")
        .getBytes(), "application/json");
    ApiClient.Response longLabelId = create(Map.of("brainKey", "long-labels", "indexName", labels,
        "patchesField", "detections"));
    assertThat(longLabelId.status()).as(longLabelId.body()).isEqualTo(409);
    assertThat(longLabelId.error()).contains("label_id").contains("long");
  }

  /** The API searches and returns float vectors: an index of byte or bit vectors would answer every query 502. */
  @Test
  void anIndexOfByteOrBitVectorsIsNotConnectedTo() {
    for (String[] element : new String[][] {{"byte", "4", "cosine"}, {"bit", "8", "l2_norm"}}) {
      String index = (element[0] + "-vectors-" + dataset).toLowerCase();
      EsLoader.send("PUT", "/" + index, ("{\"mappings\":{\"properties\":{\"sample_id\":{\"type\":\"keyword\"},"
          + "\"vector\":{\"type\":\"dense_vector\",\"element_type\":\"" + element[0] + "\",\"dims\":" + element[1]
          + ",\"index\":true,\"similarity\":\"" + element[2] + "\"}}}}").getBytes(), "application/json");
      ApiClient.Response connected = create(Map.of("brainKey", element[0] + "-vectors", "indexName", index));
      assertThat(connected.status()).as(connected.body()).isEqualTo(409);
      assertThat(connected.error()).contains("element_type").contains(element[0]).contains("float");
    }
  }

  @Test
  void aNonEmptyIndexIsNotConnectedTo() {
    ApiClient.Response first = create(Map.of("brainKey", "full", "metric", "euclidean", "dims", 2));
    String index = first.json().path("run").path("indexName").asText();
    EsLoader.send("PUT", "/" + index + "/_doc/ghost?refresh=true",
        "{\"sample_id\":\"ghost\",\"vector\":[1,0]}".getBytes(), "application/json");
    assertThat(api.delete(runPath("full")).status()).isEqualTo(204);

    ApiClient.Response connected = create(Map.of("brainKey", "refill", "indexName", index));

    assertThat(connected.status()).as(connected.body()).isEqualTo(409);
    assertThat(connected.error()).contains("holds 1 documents").contains("empty index");
  }

  @Test
  void existingIndexWithAnotherMetricOrDimsIsAConflict() {
    String index = ("other-" + dataset).toLowerCase();
    EsLoader.send("PUT", "/" + index, ("{\"mappings\":{\"properties\":{\"vector\":{\"type\":\"dense_vector\","
        + "\"dims\":4,\"index\":true,\"similarity\":\"l2_norm\"}}}}").getBytes(), "application/json");
    ApiClient.Response wrongMetric = create(Map.of("brainKey", "m", "indexName", index, "metric", "cosine"));
    assertThat(wrongMetric.status()).isEqualTo(409);
    assertThat(wrongMetric.error()).contains("metric euclidean").contains("cosine");
    ApiClient.Response wrongDims = create(Map.of("brainKey", "d", "indexName", index, "dims", 5));
    assertThat(wrongDims.status()).isEqualTo(409);
    assertThat(wrongDims.error()).contains("4 dims");
  }

  @Test
  void creationErrors() {
    assertThat(create(Map.of("brainKey", "nodims")).error()).contains("dims is required");
    create(Map.of("brainKey", "dup", "dims", 4));
    ApiClient.Response duplicate = create(Map.of("brainKey", "dup", "dims", 4));
    assertThat(duplicate.status()).isEqualTo(409);
    assertThat(create(Map.of("dims", 4)).error()).isEqualTo("missing field: brainKey");
    ApiClient.Response badMetric = create(Map.of("brainKey", "x", "dims", 4, "metric", "manhattan"));
    assertThat(badMetric.status()).isEqualTo(400);
    assertThat(badMetric.error()).contains("manhattan");
    assertThat(create(Map.of("brainKey", "x", "dims", 4, "indexOptions", "ivf")).status()).isEqualTo(400);
    assertThat(create(Map.of("brainKey", "x", "dims", 4, "indexName", "Bad*Name")).status()).isEqualTo(400);
    ApiClient.Response unknownDataset = api.post("/v1/datasets/no-such-dataset/similarity",
        Map.of("brainKey", "x", "dims", 4));
    assertThat(unknownDataset.status()).isEqualTo(404);
    assertThat(unknownDataset.error()).contains("no-such-dataset");
    assertThat(api.post("/v1/datasets", Map.of("name", "bad/name")).status()).isEqualTo(400);
    assertThat(api.patch(runPath("dup"), Map.of("brainKey", "dup2")).status()).isEqualTo(200);
    create(Map.of("brainKey", "dup3", "dims", 4));
    assertThat(api.patch(runPath("dup2"), Map.of("brainKey", "dup3")).status()).isEqualTo(409);
  }

  /**
   * A renamed run still reads the vectors producers key by the name it was created with: another run
   * taking that name would read them too, so it is refused until the first run takes it back.
   */
  @Test
  void aNameAnotherRunStillReadsVectorsByIsNotTaken() {
    assertThat(create(Map.of("brainKey", "reused", "dims", 4)).status()).isEqualTo(201);
    assertThat(api.patch(runPath("reused"), Map.of("brainKey", "reused2")).status()).isEqualTo(200);

    ApiClient.Response created = create(Map.of("brainKey", "reused", "dims", 4));
    assertThat(created.status()).as(created.body()).isEqualTo(409);
    assertThat(created.error()).contains("'reused'").contains("'reused2'").contains("embeddingsKey");
    assertThat(create(Map.of("brainKey", "other", "dims", 4)).status()).isEqualTo(201);
    ApiClient.Response renamed = api.patch(runPath("other"), Map.of("brainKey", "reused"));
    assertThat(renamed.status()).as(renamed.body()).isEqualTo(409);
    assertThat(renamed.error()).contains("'reused2'");

    ApiClient.Response back = api.patch(runPath("reused2"), Map.of("brainKey", "reused"));
    assertThat(back.status()).as(back.body()).isEqualTo(200);
    assertThat(back.json().path("embeddingsKey").asText()).isEqualTo("reused");
  }

  /**
   * A default index name is cut to 230 characters: the cut may leave it ending with '.simstream-write', or its write
   * alias may be another index's name. Neither is taken: the name goes on to '-2' as for a taken name.
   */
  @Test
  void aDefaultIndexNameNeverEndsWithOrCollidesWithAWriteAlias() {
    String longDataset = ("L" + UUID.randomUUID().toString().replace("-", "")).repeat(4).substring(0, 128);
    assertThat(api.post("/v1/datasets", Map.of("name", longDataset)).status()).isEqualTo(201);
    String path = "/v1/datasets/" + longDataset + "/similarity";
    String base = ("simstream-" + longDataset + "-").toLowerCase() + "a".repeat(75);

    ApiClient.Response cut = api.post(path, Map.of("brainKey", "a".repeat(75) + ".simstream-write" + "x", "dims", 4));
    assertThat(cut.status()).as(cut.body()).isEqualTo(201);
    assertThat(cut.json().path("run").path("indexName").asText()).isEqualTo(base + ".simstream-write-2");

    String taken = base + "b";
    EsLoader.send("PUT", "/" + taken + ".simstream-write", "{}".getBytes(), "application/json");
    try {
      ApiClient.Response aliasTaken = api.post(path, Map.of("brainKey", "a".repeat(75) + "b", "dims", 4));
      assertThat(aliasTaken.status()).as(aliasTaken.body()).isEqualTo(201);
      assertThat(aliasTaken.json().path("run").path("indexName").asText()).isEqualTo(taken + "-2");

      ApiClient.Response explicit = create(Map.of("brainKey", "explicit-alias-taken", "dims", 4, "indexName", taken));
      assertThat(explicit.status()).as(explicit.body()).isEqualTo(409);
      assertThat(explicit.error()).contains("'" + taken + ".simstream-write'").contains("write alias");
    } finally {
      EsLoader.send("DELETE", "/" + taken + ".simstream-write", new byte[0], "application/json");
    }
  }

  /** A run's shards and replicas go into its new index; left out, the one test node holds a green index. */
  @Test
  void aRunChoosesItsIndexsShardsAndReplicasAndTheDefaultIsGreenOnOneNode() throws Exception {
    ApiClient.Response laidOut = create(Map.of("brainKey", "laid_out", "dims", 4, "shards", 2, "replicas", 0));
    assertThat(laidOut.status()).as(laidOut.body()).isEqualTo(201);
    assertThat(laidOut.json().path("run").path("shards").asInt()).isEqualTo(2);
    String index = laidOut.json().path("run").path("indexName").asText();
    JsonNode settings = Json.MAPPER.readTree(EsLoader.send("GET", "/" + index + "/_settings/index.number_of_*",
        new byte[0], "application/json")).path(index).path("settings").path("index");
    assertThat(settings.path("number_of_shards").asText()).isEqualTo("2");
    assertThat(settings.path("number_of_replicas").asText()).isEqualTo("0");

    ApiClient.Response plain = create(Map.of("brainKey", "plain", "dims", 4));
    assertThat(plain.status()).as(plain.body()).isEqualTo(201);
    assertThat(plain.json().path("run").has("replicas")).isFalse();
    String plainIndex = plain.json().path("run").path("indexName").asText();
    JsonNode health = Json.MAPPER.readTree(EsLoader.send("GET", "/_cluster/health/" + plainIndex
        + "?wait_for_status=green&timeout=30s", new byte[0], "application/json"));
    assertThat(health.path("status").asText()).as(health.toString()).isEqualTo("green");

    ApiClient.Response tooMany = create(Map.of("brainKey", "too_many", "dims", 4, "shards", 0));
    assertThat(tooMany.status()).isEqualTo(400);
    assertThat(tooMany.error()).contains("shards");
    String unbacked = "unbacked-" + UUID.randomUUID().toString().substring(0, 8);
    EsLoader.send("PUT", "/" + unbacked, IndexMapping.createIndexBody(new VectorFieldSpec(Metric.COSINE, 4, "flat"))
        .getBytes(StandardCharsets.UTF_8), "application/json");
    ApiClient.Response existing = create(Map.of("brainKey", "onto_existing", "indexName", unbacked, "replicas", 1));
    assertThat(existing.status()).as(existing.body()).isEqualTo(400);
    assertThat(existing.error()).contains("new index");
  }

  private ApiClient.Response create(Map<String, Object> body) {
    return api.post("/v1/datasets/" + dataset + "/similarity", body);
  }

  private String runPath(String brainKey) {
    return "/v1/datasets/" + dataset + "/similarity/" + brainKey;
  }
}
