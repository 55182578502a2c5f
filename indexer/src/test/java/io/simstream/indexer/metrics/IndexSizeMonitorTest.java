package io.simstream.indexer.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.simstream.config.Settings;
import io.simstream.config.SimstreamConfig;
import io.simstream.elasticsearch.ElasticsearchClients;
import io.simstream.run.Metric;
import io.simstream.run.SimilarityRun;
import io.simstream.servers.LocalServers;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
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

  /** A count that some shards could not give is short: the gauge keeps the last whole count rather than sink. */
  @Test
  void aCountThatSomeShardsFailedLeavesTheLastWholeCount() throws Exception {
    IndexerMetrics metrics = IndexerMetrics.inMemory();
    metrics.indexSize("r3", "index-r3", 10);
    SimilarityRun run = new SimilarityRun("r3", "ds", "bk", "index-r3", SimilarityRun.PRECOMPUTED, Metric.COSINE, 2,
        null, "flat", false, Instant.now());
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      byte[] body = ("{\"count\":4,\"_shards\":{\"total\":2,\"successful\":1,\"skipped\":0,\"failed\":1,"
          + "\"failures\":[{\"shard\":1,\"index\":\"index-r3\",\"reason\":{\"type\":\"no_shard_available_action_exception\","
          + "\"reason\":\"no copy\"}}]}}").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.getResponseHeaders().add("X-Elastic-Product", "Elasticsearch");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    ElasticsearchClient es = ElasticsearchClients.create(SimstreamConfig.load(Map.of())
        .with(Map.of(Settings.ES_HOSTS, "http://127.0.0.1:" + server.getAddress().getPort())));
    try (IndexSizeMonitor monitor = new IndexSizeMonitor(es, () -> Optional.of(List.of(run)), metrics)) {
      monitor.refresh();

      assertThat(metrics.registry().get("simstream.indexer.index.documents").gauge().value()).isEqualTo(10);
    } finally {
      es._transport().close();
      server.stop(0);
    }
  }
}
