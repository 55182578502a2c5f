package io.simstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Answers of a newer Elasticsearch that the API's 8.19 client cannot read are 502s naming the index. */
class NewerElasticsearchTest {
  /** bbq_disk is a 9.x index type; the 8.19 client has no constant for it. */
  private static final String BBQ_DISK_MAPPING = "{\"disk-index\":{\"mappings\":{\"properties\":{"
      + "\"sample_id\":{\"type\":\"keyword\"},\"label_id\":{\"type\":\"keyword\"},"
      + "\"vector\":{\"type\":\"dense_vector\",\"dims\":4,\"index\":true,\"similarity\":\"cosine\","
      + "\"index_options\":{\"type\":\"bbq_disk\"}}}}}}";

  @Test
  void aMappingWithAnUnknownIndexTypeIs502NamingTheIndex() throws IOException {
    try (StubElasticsearch es = new StubElasticsearch().on("GET", "/disk-index/_mapping", BBQ_DISK_MAPPING);
         BackendlessApi server = new BackendlessApi("", es.url())) {
      ApiClient api = server.client();
      assertThat(api.post("/v1/datasets", Map.of("name", "d")).status()).isEqualTo(201);

      ApiClient.Response created = api.post("/v1/datasets/d/similarity",
          Map.of("brainKey", "run", "indexName", "disk-index"));

      assertThat(created.status()).as(created.body()).isEqualTo(502);
      assertThat(created.error()).contains("index 'disk-index'").contains("bbq_disk");
    }
  }
}
