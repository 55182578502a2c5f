package io.simstream.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.api.elasticsearch.ElasticsearchGateway;
import io.simstream.api.elasticsearch.ElasticsearchStatusException;
import io.simstream.api.elasticsearch.IndexDocument;
import io.simstream.api.elasticsearch.IndexScanner;
import io.simstream.api.elasticsearch.VectorLookup;
import io.simstream.config.Settings;
import io.simstream.config.SimstreamConfig;
import io.simstream.elasticsearch.BulkVectorEncoding;
import io.simstream.elasticsearch.ElasticsearchClients;
import io.simstream.elasticsearch.IndexMapping;
import io.simstream.elasticsearch.VectorFieldSpec;
import io.simstream.event.EventVectors;
import io.simstream.json.Json;
import io.simstream.run.Metric;
import io.simstream.servers.LocalServers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Stored vectors come back on Elasticsearch 8.19 and 9.x alike. 9.x leaves dense vectors out of
 * {@code _source} for indices it creates unless asked; the readers name the field in the source
 * includes, and {@link ElasticsearchGateway#readVectors} asks with the 9.x option when an answer
 * still lacks a vector, falling back where the server refuses the option (8.19 on mget).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SourceVectorsTest {
  private final String index = "source-vectors-" + UUID.randomUUID().toString().substring(0, 8);
  private final List<EsLoader.Doc> docs = VectorData.clustered("v", 25, Metric.EUCLIDEAN, 3);
  private ElasticsearchGateway es;

  @BeforeAll
  void createIndex() {
    es = new ElasticsearchGateway(ElasticsearchClients.create(SimstreamConfig.load(Map.of())
        .with(Map.of(Settings.ES_HOSTS, TestBackends.elasticsearch()))));
    String body = IndexMapping.createIndexBody(new VectorFieldSpec(Metric.EUCLIDEAN, VectorData.DIMS, "int8_hnsw"));
    EsLoader.send("PUT", "/" + index, body.getBytes(StandardCharsets.UTF_8), "application/json");
    EsLoader.load(index, docs);
  }

  @AfterAll
  void close() throws Exception {
    es.request("DELETE", "/" + index, null);
    es.close();
  }

  private static boolean major9OrLater() {
    String version = LocalServers.esVersion();
    return Integer.parseInt(version.split("\\.")[0]) >= 9;
  }

  @Test
  void mgetAndScanReturnEveryVector() {
    List<String> ids = new ArrayList<>(docs.stream().map(EsLoader.Doc::id).toList());
    ids.add("absent");
    Map<String, IndexDocument> found = new VectorLookup(es).bySampleIds(index, ids);
    assertThat(found).hasSize(docs.size());
    List<IndexDocument> scanned = new ArrayList<>();
    new IndexScanner(es).scan(index, null, 7, scanned::add);
    assertThat(scanned).hasSize(docs.size());
    for (EsLoader.Doc doc : docs) {
      assertThat(found.get(doc.id()).vector()).containsExactly(doc.vector());
      assertThat(scanned.stream().filter(d -> d.id().equals(doc.id())).findFirst().orElseThrow().vector())
          .containsExactly(doc.vector());
    }
  }

  /** What the fallback relies on: the option is accepted by 9.x, and 8.19 refuses it on mget naming it. */
  @Test
  void theOptionIsKnownToNineAndRefusedByEightOnMget() {
    String endpoint = "/" + index + "/_mget?_source_exclude_vectors=false";
    Object body = Map.of("ids", List.of(docs.get(0).id()));
    if (major9OrLater()) {
      assertThat(IndexDocument.hasVector(es.request("POST", endpoint, body).path("docs").path(0))).isTrue();
      // Without the option and without naming the field, 9.x leaves the vector out: the 9.x default.
      JsonNode plain = es.request("POST", "/" + index + "/_mget", body);
      assertThat(IndexDocument.anyWithoutVector(plain.path("docs"))).isTrue();
    } else {
      assertThatThrownBy(() -> es.request("POST", endpoint, body))
          .isInstanceOfSatisfying(ElasticsearchStatusException.class, e -> {
            assertThat(e.elasticsearchStatus()).isEqualTo(400);
            assertThat(e.getMessage()).contains("exclude_vectors");
          });
    }
  }

  /**
   * A read whose plain form leaves the vector out (9.x without the field named): the option form is
   * sent and remembered on 9.x; on 8.19 the plain answer already has it.
   */
  @Test
  void readVectorsAsksWithTheOptionWhenAVectorIsMissing() {
    Object body = Map.of("ids", List.of(docs.get(1).id()));
    ElasticsearchGateway.Read plain = new ElasticsearchGateway.Read("/" + index + "/_mget", body);
    ElasticsearchGateway.Read withOption =
        new ElasticsearchGateway.Read("/" + index + "/_mget?_source_exclude_vectors=false", body);
    ElasticsearchGateway fresh = new ElasticsearchGateway(ElasticsearchClients.create(SimstreamConfig.load(Map.of())
        .with(Map.of(Settings.ES_HOSTS, TestBackends.elasticsearch()))));
    try {
      for (int attempt = 0; attempt < 2; attempt++) {
        JsonNode response = fresh.readVectors("POST", plain, withOption,
            r -> IndexDocument.anyWithoutVector(r.path("docs")));
        assertThat(IndexDocument.fromHit(response.path("docs").path(0)).vector()).containsExactly(docs.get(1).vector());
        assertThat(fresh.sourceVectorsOption()).isEqualTo(major9OrLater());
      }
      // A server that refuses the option (8.19 on mget) with the option remembered: the plain form answers.
      ElasticsearchGateway.Read refused = new ElasticsearchGateway.Read("/" + index
          + "/_mget?_source_exclude_vectors=false&_source_includes=sample_id,vector&no_such_exclude_vectors=1", body);
      ElasticsearchGateway.Read named = new ElasticsearchGateway.Read("/" + index
          + "/_mget?_source_includes=sample_id,vector", body);
      if (fresh.sourceVectorsOption()) {
        JsonNode response = fresh.readVectors("POST", named, refused, r -> IndexDocument.anyWithoutVector(r.path("docs")));
        assertThat(IndexDocument.hasVector(response.path("docs").path(0))).isTrue();
      }
    } finally {
      try {
        fresh.close();
      } catch (Exception ignored) {
        // test cleanup
      }
    }
  }

  /**
   * What a 9.3+ node hands back for a document whose vector was sent as a base64 string (EsLoader
   * writes as the indexer does): asked for, the vector is an array of numbers rebuilt from the field,
   * not the string; 8.19 was sent arrays and keeps them.
   */
  @Test
  void aVectorSentAsBase64ComesBackAsAnArray() {
    String endpoint = "/" + index + "/_mget" + (major9OrLater() ? "?_source_exclude_vectors=false" : "");
    JsonNode doc = es.request("POST", endpoint, Map.of("ids", List.of(docs.get(2).id()))).path("docs").path(0);
    assertThat(EsLoader.encoding()).isEqualTo(BulkVectorEncoding.forVersion(LocalServers.esVersion()));
    assertThat(doc.path("_source").path(IndexMapping.VECTOR).isArray()).as(doc.toString()).isTrue();
    assertThat(IndexDocument.fromHit(doc).vector()).containsExactly(docs.get(2).vector());
  }

  /** A source that kept the base64 string (a 9.3+ index without vectors excluded) is read all the same. */
  @Test
  void aBase64VectorInTheSourceIsRead() {
    float[] vector = {1.5f, -1e-7f, Float.MIN_VALUE};
    JsonNode hit = Json.MAPPER.createObjectNode().put("_id", "x").put("_index", index)
        .set("_source", Json.MAPPER.createObjectNode().put("sample_id", "x")
            .put("vector", EventVectors.Writer.toBase64(vector)));
    assertThat(IndexDocument.hasVector(hit)).isTrue();
    assertThat(IndexDocument.fromHit(hit).vector()).containsExactly(vector);
    JsonNode broken = Json.MAPPER.createObjectNode().put("_id", "y").put("_index", index)
        .set("_source", Json.MAPPER.createObjectNode().put("sample_id", "y").put("vector", "P4AA"));
    assertThatThrownBy(() -> IndexDocument.fromHit(broken)).isInstanceOfSatisfying(
        ElasticsearchStatusException.class, e -> assertThat(e.getMessage()).contains("multiple of 4"));
  }

  /** A document really without a vector is reported, not read as an empty vector. */
  @Test
  void aDocumentWithoutItsVectorIsAnError() {
    JsonNode hit = Json.MAPPER.createObjectNode().put("_id", "x").put("_index", index)
        .set("_source", Json.MAPPER.createObjectNode().put("sample_id", "x"));
    assertThatThrownBy(() -> IndexDocument.fromHit(hit)).isInstanceOfSatisfying(ElasticsearchStatusException.class,
        e -> assertThat(e.status()).isEqualTo(502));
  }
}
