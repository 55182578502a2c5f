package io.simstream.indexer.it;

import io.simstream.config.Settings;
import io.simstream.indexer.IndexerMain;
import io.simstream.run.Metric;
import io.simstream.run.SimilarityRun;
import io.simstream.servers.ChildJvm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** An indexer killed with SIGKILL in the middle of the stream and restarted still converges, under either guarantee. */
class CrashRecoveryIT {
  private static final String DATASET = "crash";
  private static final int DIMS = 8;

  @TempDir
  Path stateDir;

  @ParameterizedTest
  @ValueSource(strings = {"exactly_once_v2", "at_least_once"})
  void convergesAfterAKillNineMidStream(String guarantee) {
    try (LiveHarness live = new LiveHarness("crash", stateDir)) {
      List<SimilarityRun> runs = List.of(
          live.run(DATASET, "cos", Metric.COSINE, DIMS, null, "int8_hnsw"),
          live.run(DATASET, "dot", Metric.DOTPRODUCT, DIMS, null, "flat"));
      live.registerDataset(DATASET);
      runs.forEach(live::registerRun);
      RandomHistory history = new RandomHistory(DATASET, 7, 5_000, 500, DIMS);
      history.events.forEach(live::sendEvent);
      live.flushProducer();

      ChildJvm first = startIndexer(live, guarantee, 1);
      try {
        Awaitility.await("some events committed").atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofMillis(100)).until(() -> live.committedChanges() >= 500);
      } finally {
        first.kill();
      }
      long committedAtKill = live.committedChanges();
      System.out.printf("crash: killed the indexer with %d of %d events committed%n", committedAtKill,
          history.events.size());

      ChildJvm second = startIndexer(live, guarantee, 2);
      try {
        for (SimilarityRun run : runs) {
          IndexAssertions.awaitIndexEquals(live, run, history.expected, Duration.ofSeconds(120));
        }
      } finally {
        second.stop();
      }
    }
  }

  private static ChildJvm startIndexer(LiveHarness live, String guarantee, int generation) {
    Map<String, String> environment = new HashMap<>(live.environment());
    environment.put(Settings.INDEXER_PROCESSING_GUARANTEE.envName(), guarantee);
    return ChildJvm.start(IndexerMain.class.getName(), List.of("-Xmx256m"), environment,
        Path.of("target", "crash-indexer-" + live.prefix + "-" + generation + ".log"));
  }
}
