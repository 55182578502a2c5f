package io.simstream.indexer.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.simstream.config.Settings;
import io.simstream.config.SimstreamConfig;
import io.simstream.elasticsearch.ElasticsearchClients;
import io.simstream.run.Metric;
import io.simstream.run.SimilarityRun;
import io.simstream.servers.LocalServers;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The per-run gauges follow the runs: kept while the runs cannot be read, dropped once none are left. */
class IndexSizeMonitorTest {
  @Test
  void theGaugesOfTheLastRunGoOnceItIsDeletedButStayWhileTheRunsCannotBeRead() throws Exception {
    IndexerMetrics metrics = IndexerMetrics.inMemory();
    metrics.indexSize("r1", "index-r1", 5);
    metrics.backfillTotal("r1", "0_0", 5);
    AtomicReference<Optional<List<SimilarityRun>>> runs = new AtomicReference<>(Optional.empty());
    // Never asked: no run is listed, so nothing is counted.
    ElasticsearchClient es = ElasticsearchClients.create(SimstreamConfig.load(Map.of()));
    try (IndexSizeMonitor monitor = new IndexSizeMonitor(es, runs::get, metrics)) {
      monitor.refresh();
      assertThat(metrics.registry().find("simstream.indexer.index.documents").gauges()).as("store not readable")
          .hasSize(1);

      runs.set(Optional.of(List.of()));
      monitor.refresh();
      assertThat(metrics.registry().find("simstream.indexer.index.documents").gauges()).isEmpty();
      assertThat(metrics.registry().find("simstream.indexer.backfill.expected").gauges()).isEmpty();
    } finally {
      es._transport().close();
    }
  }

  @Test
  void theCountOfAnIndexDeletedUnderALiveRunDropsToZero() throws Exception {
    IndexerMetrics metrics = IndexerMetrics.inMemory();
    String index = "index-size-gone-" + ProcessHandle.current().pid();
    metrics.indexSize("r2", index, 7);
    SimilarityRun run = new SimilarityRun("r2", "ds", "bk", index, SimilarityRun.PRECOMPUTED, Metric.COSINE, 2, null,
        "flat", false, Instant.now());
    ElasticsearchClient es = ElasticsearchClients.create(SimstreamConfig.load(Map.of())
        .with(Map.of(Settings.ES_HOSTS, LocalServers.elasticsearch().httpUrl())));
    try (IndexSizeMonitor monitor = new IndexSizeMonitor(es, () -> Optional.of(List.of(run)), metrics)) {
      monitor.refresh();

      // After cleanup the index is missing until the indexer's next write or re-check: the last count stayed.
      assertThat(metrics.registry().get("simstream.indexer.index.documents").gauge().value()).isZero();
    } finally {
      es._transport().close();
    }
  }
}
