package io.simstream.indexer.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.simstream.config.Settings;
import io.simstream.config.SimstreamConfig;
import io.simstream.elasticsearch.BulkVectorEncoding;
import io.simstream.elasticsearch.ElasticsearchClients;
import io.simstream.indexer.metrics.IndexerMetrics;
import io.simstream.indexer.support.ManualClock;
import io.simstream.indexer.write.BulkVectorWriter;
import io.simstream.indexer.write.IndexWriteException;
import io.simstream.run.Metric;
import io.simstream.run.SimilarityRun;
import io.simstream.servers.LocalServers;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The writer checks a run's index on the stream thread: the first time a process writes to it, then every 30 s
 * (a deleted index is then created again). While Elasticsearch is away neither check may wait out the retry
 * budget: the task's transaction times out after 15 s.
 */
class IndexCheckOutageIT {

  private static SimilarityRun run(String name) {
    return new SimilarityRun(name, "ds", "bk", "index-" + name + "-" + ProcessHandle.current().pid(),
        SimilarityRun.PRECOMPUTED, Metric.COSINE, 4, null, "flat", false, Instant.now());
  }

  private SwitchableProxy proxy;
  private ElasticsearchClient es;
  // Frozen unless moved: a retry loop on this clock never spends its budget, so a wait shows as a timeout.
  private final ManualClock clock = new ManualClock();
  private BulkVectorWriter writer;

  @BeforeEach
  void connectThroughAProxy() throws Exception {
    proxy = new SwitchableProxy(LocalServers.elasticsearch().httpUrl());
    es = ElasticsearchClients.create(SimstreamConfig.load(Map.of()).with(Map.of(Settings.ES_HOSTS, proxy.url())));
    writer = new BulkVectorWriter(es, new BulkVectorWriter.Limits(10, 1 << 20, Duration.ofMinutes(2)),
        BulkVectorEncoding.forVersion(LocalServers.esVersion()), IndexerMetrics.inMemory(), clock);
  }

  @AfterEach
  void close() throws Exception {
    writer.close();
    es._transport().close();
    proxy.close();
  }

  @Test
  void aDueRecheckDuringAnOutageAnswersAtOnceWithTheIndexItKnew() throws Exception {
    SimilarityRun run = run("recheck");
    String identity = writer.ensureIndex(run);

    proxy.down();
    clock.advance(Duration.ofSeconds(31));
    String during = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> writer.ensureIndex(run),
        "a due re-check waited on the outage");
    assertThat(during).isEqualTo(identity);

    proxy.up();
    clock.advance(Duration.ofSeconds(31));
    assertThat(writer.ensureIndex(run)).as("checked again once it is back").isEqualTo(identity);
  }

  @Test
  void aFirstCheckDuringAnOutageAnswersAtOnceThatItsWritesMustWait() throws Exception {
    SimilarityRun run = run("first-check");

    proxy.down();
    IndexWriteException pending = assertTimeoutPreemptively(Duration.ofSeconds(30),
        () -> catchThrowableOfType(() -> writer.ensureIndex(run), IndexWriteException.class),
        "a first check waited on the outage");
    assertThat(pending.reason()).isEqualTo(IndexWriteException.Reason.INDEX_PENDING);
    assertThat(pending.retryAfterMs()).isPositive();
    assertThat(catchThrowableOfType(() -> writer.ensureIndex(run), IndexWriteException.class).reason())
        .as("asked again before its next try is due").isEqualTo(IndexWriteException.Reason.INDEX_PENDING);

    proxy.up();
    clock.advance(Duration.ofMillis(pending.retryAfterMs()));
    assertThat(writer.ensureIndex(run)).as("created once it is back").isNotBlank();

    SimilarityRun other = run("budget");
    proxy.down();
    assertThat(catchThrowableOfType(() -> writer.ensureIndex(other), IndexWriteException.class).reason())
        .isEqualTo(IndexWriteException.Reason.INDEX_PENDING);
    clock.advance(Duration.ofMinutes(3));
    assertThat(catchThrowableOfType(() -> writer.ensureIndex(other), IndexWriteException.class).reason())
        .as("once the retry budget is spent").isEqualTo(IndexWriteException.Reason.INDEX_UNAVAILABLE);
  }
}
