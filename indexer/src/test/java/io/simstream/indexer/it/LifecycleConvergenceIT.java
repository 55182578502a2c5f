package io.simstream.indexer.it;

import io.simstream.event.ChangeEvent;
import io.simstream.indexer.Indexer;
import io.simstream.run.Metric;
import io.simstream.run.SimilarityRun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random changes with the runs' lifecycle between them, as the API performs it on a live dataset: a cleanup (the
 * index deleted under a live run), a rename, a new run, a run deleted with its index, a run connected to an index
 * created beforehand. Every live run ends equal to the dataset, and the index deleted with its run stays gone.
 */
class LifecycleConvergenceIT {
  private static final String DATASET = "lifecycle";
  private static final int DIMS = 8;
  private static final int CHUNKS = 6;

  @TempDir
  Path stateDir;

  @Test
  void everyLiveRunConvergesWhileRunsComeGoAndChange() {
    try (LiveHarness live = new LiveHarness("lifecycle", stateDir)) {
      SimilarityRun cleaned = live.run(DATASET, "cleaned", Metric.COSINE, DIMS, null, "int8_hnsw");
      SimilarityRun renamed = live.run(DATASET, "renamed", Metric.EUCLIDEAN, DIMS, null, "flat");
      SimilarityRun deleted = live.run(DATASET, "deleted", Metric.DOTPRODUCT, DIMS, null, "flat");
      SimilarityRun added = live.run(DATASET, "added", Metric.COSINE, DIMS, null, "flat");
      SimilarityRun connected = live.run(DATASET, "connected", Metric.EUCLIDEAN, DIMS, null, "int8_flat");
      live.registerDataset(DATASET);
      List.of(cleaned, renamed, deleted).forEach(live::registerRun);
      RandomHistory history = new RandomHistory(DATASET, 23, 3_000, 300, DIMS);
      int chunk = history.events.size() / CHUNKS;

      try (Indexer indexer = Indexer.start(live.config)) {
        for (int i = 0; i < CHUNKS; i++) {
          List<ChangeEvent> events = history.events.subList(i * chunk,
              i == CHUNKS - 1 ? history.events.size() : (i + 1) * chunk);
          events.forEach(live::sendEvent);
          live.flushProducer();
          // The operation lands while the indexer works: it has taken this chunk, its writes may be in flight.
          long end = live.changesEnd();
          Awaitility.await("chunk " + i + " consumed").atMost(Duration.ofSeconds(60))
              .pollInterval(Duration.ofMillis(100)).until(() -> live.committedChanges() >= end);
          switch (i) {
            case 0 -> live.deleteIndex(cleaned.indexName());
            case 1 -> renamed = live.renameRun(renamed, "renamed-again");
            case 2 -> live.registerRun(added);
            case 3 -> live.deleteRun(deleted, true);
            case 4 -> {
              live.createIndex(connected);
              live.registerRun(connected);
            }
            default -> {
            }
          }
        }

        Duration timeout = Duration.ofSeconds(120);
        for (SimilarityRun run : List.of(cleaned, renamed, added, connected)) {
          IndexAssertions.awaitIndexEquals(live, run, history.expected, timeout);
        }
        // A write on its way when the run went may create its index again: the indexer deletes that one too.
        Awaitility.await(deleted.indexName()).atMost(timeout).pollInterval(Duration.ofSeconds(1))
            .until(() -> !live.indexExists(deleted.indexName()));
      }
    }
  }
}
