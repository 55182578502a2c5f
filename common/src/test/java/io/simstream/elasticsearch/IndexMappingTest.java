package io.simstream.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.json.Json;
import io.simstream.run.IndexLayout;
import io.simstream.run.Metric;
import org.junit.jupiter.api.Test;

class IndexMappingTest {

  @Test
  void createBodySetsSimilarityDimsAndExplicitIndexOptions() throws Exception {
    JsonNode body = Json.MAPPER.readTree(IndexMapping.createIndexBody(new VectorFieldSpec(Metric.EUCLIDEAN, 512,
        "int8_hnsw")));
    JsonNode vector = body.at("/mappings/properties/vector");
    assertThat(vector.get("type").asText()).isEqualTo("dense_vector");
    assertThat(vector.get("dims").asInt()).isEqualTo(512);
    assertThat(vector.get("similarity").asText()).isEqualTo("l2_norm");
    assertThat(vector.at("/index_options/type").asText()).isEqualTo("int8_hnsw");
    assertThat(body.at("/mappings/properties/sample_id/type").asText()).isEqualTo("keyword");
    assertThat(body.at("/mappings/dynamic").asText()).isEqualTo("strict");
    assertThat(body.at("/settings/index/refresh_interval").asText()).isEqualTo("1s");
  }

  @Test
  void theSummaryIsKeptInTheSourceAndNeverIndexed() throws Exception {
    JsonNode summary = Json.MAPPER.readTree(IndexMapping.createIndexBody(new VectorFieldSpec(Metric.COSINE, 4,
        "flat"))).at("/mappings/properties/summary");
    assertThat(summary.path("type").asText()).isEqualTo("object");
    assertThat(summary.path("enabled").isBoolean()).isTrue();
    assertThat(summary.path("enabled").asBoolean()).isFalse();
  }

  /** Unset replicas follow the nodes (none alone, so a single node stays green); set ones and shards are sent. */
  @Test
  void aRunsLayoutGoesIntoTheIndexSettings() throws Exception {
    VectorFieldSpec spec = new VectorFieldSpec(Metric.COSINE, 4, "flat");
    JsonNode defaults = Json.MAPPER.readTree(IndexMapping.createIndexBodyWithWriteAlias("i", spec, IndexLayout.DEFAULT))
        .at("/settings/index");
    assertThat(defaults.path("auto_expand_replicas").asText()).isEqualTo("0-1");
    assertThat(defaults.has("number_of_replicas")).isFalse();
    assertThat(defaults.has("number_of_shards")).as("left to a template, else Elasticsearch").isFalse();

    JsonNode set = Json.MAPPER.readTree(IndexMapping.createIndexBodyWithWriteAlias("i", spec, new IndexLayout(3, 2)))
        .at("/settings/index");
    assertThat(set.path("number_of_shards").asInt()).isEqualTo(3);
    assertThat(set.path("number_of_replicas").asInt()).isEqualTo(2);
    assertThat(set.has("auto_expand_replicas")).isFalse();
    assertThat(new IndexLayout(0, null).problem()).hasValueSatisfying(p -> assertThat(p).contains("shards"));
    assertThat(new IndexLayout(null, -1).problem()).hasValueSatisfying(p -> assertThat(p).contains("replicas"));
  }
}
