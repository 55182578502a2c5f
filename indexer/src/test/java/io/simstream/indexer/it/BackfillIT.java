package io.simstream.indexer.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.event.SampleAdded;
import io.simstream.event.SampleDeleted;
import io.simstream.indexer.Indexer;
import io.simstream.run.Metric;
import io.simstream.run.SimilarityRun;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run created after 20,000 samples exist gets all of them, from the indexer's own state. */
class BackfillIT {
  private static final String DATASET = "backfill";
  private static final int DIMS = 8;
  private static final int SAMPLES = 20_000;
  private static final int DELETED = 100;

  @TempDir
  Path stateDir;

  @Test
  void aLateRunIndexesEverySampleThatExists() {
    try (LiveHarness live = new LiveHarness("backfill", stateDir)) {
      live.registerDataset(DATASET);
      Random random = new Random(3);
      float[][] vectors = new float[SAMPLES][DIMS];
      for (int i = 0; i < SAMPLES; i++) {
        for (int d = 0; d < DIMS; d++) {
          vectors[i][d] = random.nextFloat();
        }
        live.sendEvent(new SampleAdded(1, DATASET, "s" + i, null, Map.of(SimilarityRun.DEFAULT_EMBEDDING, vectors[i]),
            List.of(), Instant.now()));
      }
      for (int i = 0; i < DELETED; i++) {
        live.sendEvent(new SampleDeleted(1, DATASET, "s" + i, Instant.now()));
      }
      live.flushProducer();

      long end = live.changesEnd();
      try (Indexer indexer = Indexer.start(live.config)) {
        long start = System.nanoTime();
        Awaitility.await("all events committed").atMost(Duration.ofSeconds(180))
            .pollInterval(Duration.ofMillis(200)).until(() -> live.committedChanges() >= end);
        System.out.printf("backfill: %d events applied to the samples store in %.1f s (no runs yet)%n", end,
            (System.nanoTime() - start) / 1e9);

        SimilarityRun late = live.run(DATASET, "late", Metric.EUCLIDEAN, DIMS, null, "flat");
        start = System.nanoTime();
        live.registerRun(late);
        Awaitility.await("backfill").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
            .until(() -> live.count(late.indexName()) == SAMPLES - DELETED);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("backfill: %d samples in %.1f s (%.0f samples/s)%n", SAMPLES - DELETED, seconds,
            (SAMPLES - DELETED) / seconds);

        for (int i : new int[] {0, DELETED - 1, DELETED, 12_345, SAMPLES - 1}) {
          JsonNode doc = live.document(late.indexName(), "s" + i);
          if (i < DELETED) {
            assertThat(doc).as("deleted sample s%d", i).isNull();
          } else {
            assertThat(LiveHarness.vector(doc)).containsExactly(vectors[i]);
          }
        }
      }
    }
  }
}
