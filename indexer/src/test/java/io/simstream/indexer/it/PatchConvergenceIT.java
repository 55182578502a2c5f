package io.simstream.indexer.it;

import io.simstream.indexer.Indexer;
import io.simstream.run.Metric;
import io.simstream.run.SimilarityRun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random changes of samples with patches (fields changing, patches coming and going, vectors under
 * several keys) end with every patch and sample index equal to the dataset, ids and vectors.
 */
class PatchConvergenceIT {
  private static final String DATASET = "patch-convergence";
  private static final int DIMS = 6;

  @TempDir
  Path stateDir;

  @Test
  void everyPatchAndSampleRunConvergesToTheFinalDataset() {
    try (LiveHarness live = new LiveHarness("patchconv", stateDir)) {
      SimilarityRun gt = live.run(DATASET, "patches-gt", Metric.COSINE, DIMS, "gt", "int8_hnsw");
      SimilarityRun pred = live.run(DATASET, "patches-pred", Metric.EUCLIDEAN, DIMS, "pred", "flat");
      SimilarityRun own = live.run(DATASET, PatchHistory.OWN_KEY, Metric.DOTPRODUCT, DIMS, null, "flat");
      SimilarityRun fallback = live.run(DATASET, PatchHistory.DEFAULT_KEY, Metric.COSINE, DIMS, null, "flat");
      live.registerDataset(DATASET);
      List.of(gt, pred, own, fallback).forEach(live::registerRun);
      PatchHistory history = new PatchHistory(DATASET, 11, 3_000, 300, DIMS);

      try (Indexer indexer = Indexer.start(live.config)) {
        history.events.forEach(live::sendEvent);
        live.flushProducer();
        Duration timeout = Duration.ofSeconds(120);
        IndexAssertions.awaitIndexEquals(live, gt, history.expectedPatches.get("gt"), timeout);
        IndexAssertions.awaitIndexEquals(live, pred, history.expectedPatches.get("pred"), timeout);
        IndexAssertions.awaitIndexEquals(live, own, history.expectedSamples.get(PatchHistory.OWN_KEY), timeout);
        IndexAssertions.awaitIndexEquals(live, fallback, history.expectedSamples.get(PatchHistory.DEFAULT_KEY),
            timeout);
      }
    }
  }
}
