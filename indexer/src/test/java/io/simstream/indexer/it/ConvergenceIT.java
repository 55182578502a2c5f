package io.simstream.indexer.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.simstream.indexer.Indexer;
import io.simstream.indexer.topology.IndexerTopology;
import io.simstream.run.Metric;
import io.simstream.run.SimilarityRun;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 5,000 random changes of 500 samples on 3 partitions end with every index equal to the dataset. */
class ConvergenceIT {
  private static final String DATASET = "convergence";
  private static final int DIMS = 8;

  @TempDir
  Path stateDir;

  @Test
  void everyRunConvergesToTheFinalDataset() throws Exception {
    try (LiveHarness live = new LiveHarness("convergence", stateDir)) {
      List<SimilarityRun> runs = List.of(
          live.run(DATASET, "cos", Metric.COSINE, DIMS, null, "int8_hnsw"),
          live.run(DATASET, "l2", Metric.EUCLIDEAN, DIMS, null, "flat"),
          live.run(DATASET, "dot", Metric.DOTPRODUCT, DIMS, null, "flat"));
      live.registerDataset(DATASET);
      runs.forEach(live::registerRun);
      RandomHistory history = new RandomHistory(DATASET, 42, 5_000, 500, DIMS);

      try (Indexer indexer = Indexer.start(live.config)) {
        long start = System.nanoTime();
        history.events.forEach(live::sendEvent);
        live.flushProducer();
        for (SimilarityRun run : runs) {
          IndexAssertions.awaitIndexEquals(live, run, history.expected, Duration.ofSeconds(90));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("convergence: %d events, %d runs, converged in %.1f s (%.0f events/s)%n",
            history.events.size(), runs.size(), seconds, history.events.size() / seconds);

        HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://localhost:" + indexer.adminPort() + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString());
        metrics.body().lines().filter(l -> l.startsWith("simstream_indexer_") || l.contains("records_lag_max"))
            .filter(l -> !l.contains("bucket")).forEach(System.out::println);
        assertThat(metrics.body()).contains("simstream_indexer_events_in_total").contains("simstream_indexer_bulk_latency");
        HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://localhost:" + indexer.adminPort() + "/health")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
      }

      // The changelogs the indexer created: the sample states' is cleaned at a higher dirty ratio (see
      // IndexerTopology), every changelog rolls its segments as IndexerStreamsConfig says.
      Map<String, String> samples = live.changelogConfig(IndexerTopology.SAMPLES_STORE);
      Map<String, String> pending = live.changelogConfig(IndexerTopology.PENDING_STORE);
      assertThat(samples).containsEntry(TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG,
          IndexerTopology.SAMPLES_CHANGELOG_DIRTY_RATIO).containsEntry(TopicConfig.SEGMENT_BYTES_CONFIG, "67108864");
      assertThat(pending).containsEntry(TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.5")
          .containsEntry(TopicConfig.SEGMENT_BYTES_CONFIG, "67108864");
    }
  }
}
