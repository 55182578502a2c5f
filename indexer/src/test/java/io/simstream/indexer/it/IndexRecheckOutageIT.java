package io.simstream.indexer.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.simstream.config.Settings;
import io.simstream.config.SimstreamConfig;
import io.simstream.elasticsearch.BulkVectorEncoding;
import io.simstream.elasticsearch.ElasticsearchClients;
import io.simstream.indexer.metrics.IndexerMetrics;
import io.simstream.indexer.write.BulkVectorWriter;
import io.simstream.run.Metric;
import io.simstream.run.SimilarityRun;
import io.simstream.servers.LocalServers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The writer re-checks a run's index every 30 s on the stream thread (a deleted index is then created again).
 * While Elasticsearch is away that check must not wait out the retry budget: the task's transaction times out
 * after 15 s.
 */
class IndexRecheckOutageIT {

  @Test
  void aDueRecheckDuringAnOutageAnswersAtOnceWithTheIndexItKnew() throws Exception {
    SimilarityRun run = new SimilarityRun("recheck", "ds", "bk", "index-recheck-" + ProcessHandle.current().pid(),
        SimilarityRun.PRECOMPUTED, Metric.COSINE, 4, null, "flat", false, Instant.now());
    try (SwitchableProxy proxy = new SwitchableProxy(LocalServers.elasticsearch().httpUrl())) {
      ElasticsearchClient es = ElasticsearchClients.create(SimstreamConfig.load(Map.of())
          .with(Map.of(Settings.ES_HOSTS, proxy.url())));
      // Frozen unless moved: a retry loop on this clock never spends its budget, so a wait shows as a timeout.
      ManualClock clock = new ManualClock();
      BulkVectorWriter writer = new BulkVectorWriter(es, new BulkVectorWriter.Limits(10, 1 << 20,
          Duration.ofMinutes(2)), BulkVectorEncoding.forVersion(LocalServers.esVersion()), IndexerMetrics.inMemory(),
          clock);
      String identity = writer.ensureIndex(run);

      proxy.down();
      clock.advance(Duration.ofSeconds(31));
      String during = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> writer.ensureIndex(run),
          "a due re-check waited on the outage");
      assertThat(during).isEqualTo(identity);

      proxy.up();
      clock.advance(Duration.ofSeconds(31));
      assertThat(writer.ensureIndex(run)).as("checked again once it is back").isEqualTo(identity);
      writer.close();
      es._transport().close();
    }
  }

  private static final class ManualClock extends Clock {
    private final AtomicLong millis = new AtomicLong(System.currentTimeMillis());

    void advance(Duration by) {
      millis.addAndGet(by.toMillis());
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis.get());
    }
  }
}
