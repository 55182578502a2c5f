package io.simstream.indexer.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.simstream.config.Settings;
import io.simstream.config.SimstreamConfig;
import io.simstream.indexer.Indexer;
import io.simstream.run.Metric;
import io.simstream.run.SimilarityRun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second instance joining a running one gets active tasks within a couple of probing intervals, even when its
 * tasks' changelogs are longer than Kafka Streams' acceptable recovery lag (so it starts with warm-up replicas).
 */
class ScaleOutIT {
  private static final String DATASET = "scale";
  private static final int DIMS = 4;
  /** Per partition, well past the 10,000 records of lag that Kafka Streams hands over without a warm-up. */
  private static final int EVENTS = 45_000;
  /** Updated over and over, so the index stays within what the harness reads back (10,000 documents). */
  private static final int SAMPLES = 8_000;

  @TempDir
  Path stateDir;

  @Test
  void aSecondInstanceTakesItsShareOfTheTasksAtAProbingRebalance() {
    try (LiveHarness live = new LiveHarness("scale", stateDir)) {
      SimilarityRun run = live.run(DATASET, "cos", Metric.COSINE, DIMS, null, "flat");
      live.registerDataset(DATASET);
      live.registerRun(run);
      RandomHistory history = new RandomHistory(DATASET, 11, EVENTS, SAMPLES, DIMS);
      history.events.forEach(live::sendEvent);
      live.flushProducer();

      try (Indexer first = Indexer.start(instance(live, "a"))) {
        IndexAssertions.awaitIndexEquals(live, run, history.expected, Duration.ofSeconds(180));
        assertThat(first.activeTasks()).isEqualTo(3);

        long joined = System.nanoTime();
        try (Indexer second = Indexer.start(instance(live, "b"))) {
          // Probing every minute; the room beyond two is for a loaded machine.
          Awaitility.await("the second instance has active tasks").atMost(Duration.ofMinutes(4))
              .pollInterval(Duration.ofMillis(500))
              .until(() -> second.activeTasks() > 0 && first.activeTasks() + second.activeTasks() == 3);
          System.out.printf("scale-out: the second instance had %d of 3 tasks %.1f s after it started%n",
              second.activeTasks(), (System.nanoTime() - joined) / 1e9);
          IndexAssertions.awaitIndexEquals(live, run, history.expected, Duration.ofSeconds(60));
        }
      }
    }
  }

  /** Two instances on one host: a state directory and an admin port of their own, the same application id. */
  private static SimstreamConfig instance(LiveHarness live, String name) {
    return live.config.with(Map.of(Settings.INDEXER_STATE_DIR, live.config.get(Settings.INDEXER_STATE_DIR) + "/" + name,
        Settings.INDEXER_ADMIN_PORT, "0"));
  }
}
