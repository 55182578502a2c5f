package io.simstream.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.api.QueryApi;
import io.simstream.config.SimstreamConfig;
import io.simstream.event.SampleAdded;
import io.simstream.indexer.Indexer;
import io.simstream.kafka.ChangeEventProducer;
import io.simstream.kafka.Topics;
import io.simstream.servers.LocalStackConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The thinnest real path: a similarity index is created over HTTP, a sample-added event with a
 * precomputed vector goes through a real Kafka broker, the indexer writes it to a real
 * Elasticsearch node, and the query API answers a nearest-neighbour query by sample id.
 */
class EndToEndIT {

  @Test
  void eventsProducedToKafkaAreSearchableThroughTheApi(@TempDir Path stateDir) throws Exception {
    SimstreamConfig config = LocalStackConfig.withStateDir(stateDir);
    try (Indexer indexer = Indexer.start(config);
         QueryApi api = QueryApi.start(config);
         ChangeEventProducer producer = new ChangeEventProducer(
             config.kafkaClientProperties(), Topics.from(config).changes())) {
      ApiClient client = new ApiClient("http://127.0.0.1:" + api.port());
      client.post("/v1/datasets", Map.of("name", "e2e"));
      client.post("/v1/datasets/e2e/similarity",
          Map.of("brainKey", "vec", "model", "precomputed", "metric", "cosine", "dims", 4));

      Map<String, float[]> vectors = Map.of(
          "a", new float[] {1, 0, 0, 0},
          "b", new float[] {0.9f, 0.1f, 0, 0},
          "c", new float[] {0.5f, 0.5f, 0.1f, 0},
          "d", new float[] {0, 0, 1, 0},
          "e", new float[] {-1, 0, 0, 0.1f});
      vectors.forEach((id, vector) -> producer.send(new SampleAdded(1, "e2e", id, null,
          Map.of("default", vector), List.of(), Instant.now())));
      producer.flush();

      String run = "/v1/datasets/e2e/similarity/vec";
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
          .until(() -> client.get(run + "/size").path("size").asLong() == vectors.size());

      JsonNode result = client.post(run + "/sort-by-similarity", Map.of("id", "a", "k", 5));
      List<String> order = StreamSupport.stream(result.path("hits").spliterator(), false)
          .map(hit -> hit.path("sampleId").asText()).toList();
      assertThat(order).containsExactly("a", "b", "c", "d", "e");
      List<Double> distances = new ArrayList<>();
      result.path("hits").forEach(hit -> distances.add(hit.path("distance").asDouble()));
      assertThat(distances).isSorted();
      assertThat(distances.get(0)).isLessThan(0.01);
    }
  }
}
