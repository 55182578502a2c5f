package io.simstream.indexer.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.simstream.config.Settings;
import io.simstream.indexer.Indexer;
import io.simstream.run.Metric;
import io.simstream.run.SimilarityRun;
import io.simstream.servers.LocalServers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Elasticsearch goes away mid-stream for longer than the retry budget: the indexer stops consuming,
 * replaces its stream thread when the budget is spent, and once the node is back the index converges,
 * without losing a change.
 */
class ElasticsearchOutageIT {
  private static final String DATASET = "outage";
  private static final int DIMS = 8;

  @TempDir
  Path stateDir;

  @Test
  void convergesAfterAnOutageLongerThanTheRetryBudget() throws Exception {
    LocalServers.startAll();
    try (SwitchableProxy proxy = new SwitchableProxy(LocalServers.elasticsearch().httpUrl());
         LiveHarness live = new LiveHarness("outage", stateDir)) {
      SimilarityRun run = live.run(DATASET, "cos", Metric.COSINE, DIMS, null, "flat");
      live.registerDataset(DATASET);
      live.registerRun(run);
      RandomHistory history = new RandomHistory(DATASET, 11, 1_500, 200, DIMS);
      int half = history.events.size() / 2;

      try (Indexer indexer = Indexer.start(live.config.with(Map.of(Settings.ES_HOSTS, proxy.url(),
          Settings.INDEXER_RETRY_MAX_MS, "2000")))) {
        history.events.subList(0, half).forEach(live::sendEvent);
        live.flushProducer();
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> live.committedChanges() >= 100);

        proxy.down();
        long committedAtOutage = live.committedChanges();
        history.events.subList(half, history.events.size()).forEach(live::sendEvent);
        live.flushProducer();
        Thread.sleep(8_000);
        long committedDuringOutage = live.committedChanges();
        System.out.printf("outage: committed %d before and %d after 8 s without Elasticsearch (of %d)%n",
            committedAtOutage, committedDuringOutage, history.events.size());
        assertThat(committedDuringOutage).as("consumption pauses while writes fail")
            .isLessThan(history.events.size());

        proxy.up();
        IndexAssertions.awaitIndexEquals(live, run, history.expected, Duration.ofSeconds(120));
      }
    }
  }
}
