package io.simstream.indexer.metrics;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.simstream.run.SimilarityRun;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exports each run's document count (a periodic _count), a cheap check that the index is filling, and
 * drops the per-run gauges of runs that are gone.
 */
public final class IndexSizeMonitor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IndexSizeMonitor.class);
  private static final long PERIOD_SECONDS = 15;

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "index-size-monitor");
    thread.setDaemon(true);
    return thread;
  });

  public IndexSizeMonitor(ElasticsearchClient es, Supplier<List<SimilarityRun>> runs, IndexerMetrics metrics) {
    scheduler.scheduleWithFixedDelay(() -> {
      List<SimilarityRun> listed = runs.get();
      // An empty list is also what a runs store that is not queryable yet (rebalancing) gives: keep the gauges then.
      if (!listed.isEmpty()) {
        metrics.retainRuns(listed.stream().map(SimilarityRun::id).toList());
      }
      for (SimilarityRun run : listed) {
        try {
          metrics.indexSize(run.id(), run.indexName(), es.count(c -> c.index(run.indexName())).count());
        } catch (Exception e) {
          LOG.debug("Cannot count {}: {}", run.indexName(), e.toString());
        }
      }
    }, PERIOD_SECONDS, PERIOD_SECONDS, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
