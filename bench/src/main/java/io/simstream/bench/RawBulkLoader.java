package io.simstream.bench;

import io.simstream.config.Settings;
import io.simstream.elasticsearch.VectorFieldSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The ingest ceiling: the same vectors pushed straight to Elasticsearch, into an index created with
 * simstream's own mapping (same index options, same periodic refresh), in bulks of {@link #BULK_SIZE}
 * with as many bulks in flight as the indexer allows by default, vectors written in the indexer's form
 * for the cluster (NDJSON with base64 float32 on 9.3+, SMILE before).
 */
final class RawBulkLoader {
  static final int BULK_SIZE = 500;
  /**
   * As many bulks as the indexer may have in flight with its defaults: indexer.bulk.max-in-flight per
   * task, one task per partition of the change topic.
   */
  static final int IN_FLIGHT = Integer.parseInt(Settings.INDEXER_BULK_MAX_IN_FLIGHT.defaultValue())
      * Integer.parseInt(Settings.TOPIC_PARTITIONS.defaultValue());

  /** External versions of the kind the indexer sends (large, one per change); used only by forms that send them. */
  private static final long VERSION_BASE = 1L << 40;

  private final DirectElasticsearch es;

  RawBulkLoader(DirectElasticsearch es) {
    this.es = es;
  }

  /** Creates {@code index}, loads the vectors and returns documents per second until all are searchable. */
  double load(String index, VectorFieldSpec spec, List<float[]> vectors, Duration timeout) throws Exception {
    es.createIndex(index, spec);
    long start = System.nanoTime();
    long end = fillUntilSearchable(index, ids(vectors.size()), vectors, BulkBodies.Form.PLAIN, BULK_SIZE, 0, timeout);
    return vectors.size() / ((end - start) / 1e9);
  }

  /**
   * As {@link #fill(String, List, List, BulkBodies.Form, int, double)}, polling {@code _count} from the first bulk
   * on, as the pipeline's timings do from the drain's start: the polls cost Elasticsearch CPU (about 1 ms each
   * while it indexes), so both paths pay them alike. Returns {@link System#nanoTime} of the poll that saw them all.
   */
  long fillUntilSearchable(String index, List<String> ids, List<float[]> vectors, BulkBodies.Form form, int bulkSize,
                           double perSecond, Duration timeout) throws Exception {
    ExecutorService poller = Executors.newSingleThreadExecutor();
    try {
      Future<Long> searchable = poller.submit(() -> Searchable.await(es, index, vectors.size(), timeout));
      fill(index, ids, vectors, form, bulkSize, perSecond);
      return searchable.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    } finally {
      // A failed bulk ends the poll too (its sleep is interrupted) instead of leaving it to run to its timeout.
      poller.shutdownNow();
    }
  }

  /** The documents' ids: the same for every load, as the pipeline's sample ids are. */
  static List<String> ids(int count) {
    List<String> ids = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      ids.add(SampleEvents.sampleId("raw", i));
    }
    return ids;
  }

  /** Writes the documents into an existing index, {@link #IN_FLIGHT} bulks at a time; returns once all are acknowledged. */
  void fill(String index, List<String> ids, List<float[]> vectors) throws Exception {
    fill(index, ids, vectors, BulkBodies.Form.PLAIN, BULK_SIZE, 0);
  }

  /**
   * As {@link #fill(String, List, List)}, with the actions in {@code form}, {@code bulkSize} documents per
   * bulk and, when {@code perSecond} is positive, each bulk sent no sooner than that rate allows.
   */
  void fill(String index, List<String> ids, List<float[]> vectors, BulkBodies.Form form, int bulkSize,
            double perSecond) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(IN_FLIGHT);
    long start = System.nanoTime();
    try {
      List<Future<?>> bulks = new ArrayList<>();
      for (int from = 0; from < vectors.size(); from += bulkSize) {
        if (perSecond > 0) {
          long due = start + (long) (from / perSecond * 1e9);
          Thread.sleep(Math.max(0, (due - System.nanoTime()) / 1_000_000));
        }
        int first = from;
        int last = Math.min(vectors.size(), from + bulkSize);
        bulks.add(pool.submit(() -> {
          List<BulkBodies.Doc> docs = new ArrayList<>(last - first);
          for (int i = first; i < last; i++) {
            docs.add(new BulkBodies.Doc(ids.get(i), vectors.get(i), VERSION_BASE + i));
          }
          es.bulk(BulkBodies.index(index, docs, es.vectorEncoding(), form), form.filteredResponse());
        }));
      }
      for (Future<?> bulk : bulks) {
        bulk.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
