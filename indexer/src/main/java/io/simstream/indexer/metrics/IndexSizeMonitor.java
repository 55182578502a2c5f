package io.simstream.indexer.metrics;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch.core.CountResponse;
import io.simstream.run.SimilarityRun;
import java.util.List;
import java.util.Optional;
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
  private static final int NOT_FOUND = 404;

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "index-size-monitor");
    thread.setDaemon(true);
    return thread;
  });

  private final ElasticsearchClient es;
  private final Supplier<Optional<List<SimilarityRun>>> runs;
  private final IndexerMetrics metrics;

  /** @param runs every run, or empty while the runs store cannot be read (rebalancing): the gauges stay then */
  public IndexSizeMonitor(ElasticsearchClient es, Supplier<Optional<List<SimilarityRun>>> runs,
                          IndexerMetrics metrics) {
    this.es = es;
    this.runs = runs;
    this.metrics = metrics;
    scheduler.scheduleWithFixedDelay(this::refresh, PERIOD_SECONDS, PERIOD_SECONDS, TimeUnit.SECONDS);
  }

  void refresh() {
    Optional<List<SimilarityRun>> listed = runs.get();
    if (listed.isEmpty()) {
      return;
    }
    metrics.retainRuns(listed.get().stream().map(SimilarityRun::id).toList());
    for (SimilarityRun run : listed.get()) {
      try {
        CountResponse count = es.count(c -> c.index(run.indexName()));
        if (count.shards().failed().intValue() > 0) {
          // A count some shards could not give is short: the last whole one is the truer gauge.
          LOG.debug("Count of {} left out {} failed shards; keeping the last", run.indexName(),
              count.shards().failed());
          continue;
        }
        metrics.indexSize(run.id(), run.indexName(), count.count());
      } catch (ElasticsearchException e) {
        if (e.status() == NOT_FOUND) {
          // Deleted under a live run (cleanup) until the indexer creates it again: its last count would hide that.
          metrics.indexSize(run.id(), run.indexName(), 0);
        } else {
          LOG.debug("Cannot count {}: {}", run.indexName(), e.toString());
        }
      } catch (Exception e) {
        LOG.debug("Cannot count {}: {}", run.indexName(), e.toString());
      }
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
