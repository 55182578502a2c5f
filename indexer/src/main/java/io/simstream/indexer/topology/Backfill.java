package io.simstream.indexer.topology;

import io.simstream.event.SampleKey;
import io.simstream.indexer.metrics.IndexerMetrics;
import io.simstream.indexer.state.BackfillProgress;
import io.simstream.indexer.state.SampleState;
import io.simstream.indexer.write.IndexWriteException;
import io.simstream.indexer.write.PendingWrite;
import io.simstream.indexer.write.WriteResult;
import io.simstream.run.SimilarityRun;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the samples that existed before a run appeared into the run's index, from this task's
 * samples store, a chunk at a time, recording progress after each chunk (changelogged, so a restart
 * resumes). Samples changed after the run appeared are written live by the flush. The two never write
 * one sample at once: a chunk leaves out what the outbox will write, and the outbox holds a chunk's
 * samples until its writes complete (at most one write per document in flight, docs/indexer.md).
 * A run that owes writes ({@link OwedWrites}) gets them first, the same way, once its index shows.
 */
final class Backfill implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Backfill.class);
  private static final PendingWrite NOTHING_WRITTEN = PendingWrite.completed(new WriteResult(0, 0, List.of()));
  /** '/' + 1: keys of a dataset sort between "dataset/" and "dataset0". */
  private static final char AFTER_SEPARATOR = '0';
  /** The smallest string after a key, to resume just past it. */
  private static final String SUCCESSOR = "\u0000";

  private final KeyValueStore<String, SampleState> samples;
  private final KeyValueStore<String, BackfillProgress> progress;
  private final RunCatalog runs;
  private final DocumentSync sync;
  private final OwedWrites owed;
  private final Outbox outbox;
  private final int chunk;
  private final int embedBatchSize;
  private final String task;
  private final IndexerMetrics metrics;
  private final Set<String> totals = new HashSet<>();
  /** Jobs of the sample being embedded a batch per chunk that failed (dead-lettered): not tried again. */
  private final Set<EmbeddingPlan.Job> unembeddable = new HashSet<>();
  /** The chunk whose writes were started and not yet answered; at most one. */
  private InFlight inFlight;

  /**
   * A chunk being written, a backfill's or what a run owed; {@code written} records it once the writes complete.
   * The outbox holds its samples until then.
   */
  private record InFlight(SimilarityRun run, DocumentSync.Started sync, Runnable written) {
    List<String> sampleKeys() {
      return sync.items().stream().map(DocumentSync.Item::key).toList();
    }
  }

  Backfill(KeyValueStore<String, SampleState> samples, KeyValueStore<String, BackfillProgress> progress,
           RunCatalog runs, DocumentSync sync, OwedWrites owed, Outbox outbox, int chunk, int embedBatchSize,
           String task, IndexerMetrics metrics) {
    this.samples = samples;
    this.progress = progress;
    this.runs = runs;
    this.sync = sync;
    this.owed = owed;
    this.outbox = outbox;
    this.chunk = chunk;
    this.embedBatchSize = embedBatchSize;
    this.task = task;
    this.metrics = metrics;
  }

  /**
   * Works on unfinished runs for about {@code budgetMs}, so commits keep coming. A chunk's writes that Elasticsearch
   * has not answered by then stay in flight, and a later step stores the chunk's progress once they complete:
   * the stream thread never waits out an outage inside the task's transaction.
   */
  void step(long budgetMs, DeadLetterSink deadLetters) {
    long deadline = System.currentTimeMillis() + budgetMs;
    if (inFlight != null && !finishInFlight(deadline, deadLetters)) {
      return;
    }
    List<SimilarityRun> all = runs.all();
    owed.forgetAllBut(all);
    for (SimilarityRun run : all) {
      if (System.currentTimeMillis() >= deadline) {
        return; // each run's index check may ask Elasticsearch: the transaction must still commit
      }
      // Keyed by the index's identity too: an index deleted and created again (cleanup) is filled again.
      String identity;
      try {
        DocumentSync.IndexCheck check = sync.check(run);
        if (check.target() != DocumentSync.Target.INDEX) {
          continue;
        }
        identity = check.identity();
      } catch (IndexWriteException e) {
        e.rethrowUnlessPending();
        continue; // its index is checked again at a later step
      }
      // What the run owes goes first: until it is written, the run's live writes are owed too.
      while (owed.owes(run)) {
        inFlight = owedChunk(run);
        if (inFlight == null) {
          break; // every sample it owes is being written by the outbox: a later step
        }
        if (!finishInFlight(deadline, deadLetters) || System.currentTimeMillis() >= deadline) {
          return;
        }
      }
      if (owed.owes(run)) {
        continue;
      }
      String key = progressKey(run, identity, sync.weightsOf(run));
      BackfillProgress current = progress.get(key);
      if (current == null) {
        current = BackfillProgress.START;
        LOG.info("Backfill of run {} ({}) starts in task {}", run.brainKey(), run.indexName(), task);
      }
      if (!current.done() && totals.add(key)) {
        metrics.backfillTotal(run.id(), task, countSamples(run.dataset()));
      }
      while (!current.done()) {
        try {
          inFlight = chunk(key, run, current, deadLetters);
        } catch (IndexWriteException e) {
          e.rethrowUnlessPending();
          return; // the index went away meanwhile and cannot be checked now: a later step goes on
        }
        if (!finishInFlight(deadline, deadLetters) || System.currentTimeMillis() >= deadline) {
          return;
        }
        current = progress.get(key);
      }
    }
  }

  /**
   * Starts writing a chunk of what the run owes; null when the outbox has every such sample. A sample the outbox
   * writes now or later is left to it: its state may lack the vectors of a new image, and written from it the
   * document would go as a delete at the newest version, which refuses the outbox's later write at that version.
   * The outbox's write owes the run the sample again, and a later chunk writes it.
   */
  private InFlight owedChunk(SimilarityRun run) {
    List<DocumentSync.Item> items = owed.items(run, samples, key -> outbox.writing(key) || outbox.willWrite(key),
        chunk);
    if (items.isEmpty()) {
      return null;
    }
    List<String> keys = items.stream().map(DocumentSync.Item::key).toList();
    outbox.holdForBackfill(keys);
    DocumentSync.Started started;
    try {
      started = sync.startOwedWrites(items, run);
    } catch (RuntimeException e) {
      outbox.releaseFromBackfill(keys);
      throw e;
    }
    return new InFlight(run, started, () -> owed.settle(run, keys));
  }

  /**
   * Embeds one batch of what a sample of more patches than a batch still misses, keeping the vectors in its state,
   * so no chunk's embedding outlasts the transaction; the chunk that finds the rest within a batch writes it.
   *
   * @return false when the rest fits one batch (or the outbox writes the sample): the caller goes on as usual
   */
  private boolean embedPart(DocumentSync.Item item, List<SimilarityRun> thisRun, DeadLetterSink deadLetters) {
    if (outbox.takesOver(item.key())) {
      return false;
    }
    EmbeddingPlan rest = sync.planEmbeddings(List.of(item), dataset -> thisRun).part(unembeddable, Integer.MAX_VALUE);
    if (rest.jobCount() <= embedBatchSize) {
      return false;
    }
    List<EmbeddingPlan.Result> results = sync.embed(rest.part(Set.of(), embedBatchSize));
    List<EmbeddingPlan.Result> failures = results.stream().filter(r -> r.vector() == null).toList();
    failures.forEach(r -> unembeddable.add(r.job()));
    DocumentSync.deadLetterImages(failures, deadLetters);
    sync.applyEmbeddings(results.stream().filter(r -> r.vector() != null).toList(), deadLetters);
    return true;
  }

  /** A backfill chunk: once written, the run's progress under {@code key} is {@code next}. */
  private InFlight progressed(String key, SimilarityRun run, DocumentSync.Started started, BackfillProgress next) {
    return new InFlight(run, started, () -> {
      progress.put(key, next);
      metrics.backfillProgress(run.id(), task, next.count());
      if (next.done()) {
        LOG.info("Backfill of run {} ({}) done in task {}: {} samples", run.brainKey(), run.indexName(), task,
            next.count());
      }
    });
  }

  /**
   * Where the progress of the run's backfill into the index of that identity, with vectors of those weights, is
   * kept. Without weights (precomputed vectors, weights that ship with simstream) the key is what it was before
   * weights were part of it.
   */
  static String progressKey(SimilarityRun run, String identity, String weights) {
    return run.id() + '@' + identity + (weights.isEmpty() ? "" : "@" + weights);
  }

  /** Waits for the chunk in flight until {@code deadlineMs}; once its writes completed, stores its progress. */
  private boolean finishInFlight(long deadlineMs, DeadLetterSink deadLetters) {
    WriteResult result;
    try {
      result = inFlight.sync().write().result()
          .get(Math.max(0, deadlineMs - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException e) {
      // Past the retry budget: the thread is replaced and the chunk is written again from the last commit.
      outbox.releaseFromBackfill(inFlight.sampleKeys());
      throw e.getCause() instanceof RuntimeException cause ? cause : new IllegalStateException(e.getCause());
    }
    outbox.releaseFromBackfill(inFlight.sampleKeys());
    SimilarityRun run = inFlight.run();
    DocumentSync.deadLetterRejections(inFlight.sync().items(), dataset -> List.of(run), result, deadLetters);
    inFlight.written().run();
    inFlight = null;
    return true;
  }

  /**
   * Stops the chunk in flight; its progress was not stored, so the task's next owner writes it again.
   * The task's backfill gauges go with it.
   */
  @Override
  public void close() {
    if (inFlight != null) {
      inFlight.sync().write().cancel();
      outbox.releaseFromBackfill(inFlight.sampleKeys());
      inFlight = null;
    }
    metrics.forgetTask(task);
  }

  /** The samples of the dataset in this task: the backfill's total, counted once per run and index. */
  private long countSamples(String dataset) {
    long count = 0;
    try (KeyValueIterator<String, SampleState> it = samples.range(SampleKey.prefixOf(dataset),
        dataset + AFTER_SEPARATOR)) {
      while (it.hasNext()) {
        it.next();
        count++;
      }
    }
    return count;
  }

  private InFlight chunk(String key, SimilarityRun run, BackfillProgress current, DeadLetterSink deadLetters) {
    String from = current.lastKey() == null ? SampleKey.prefixOf(run.dataset()) : current.lastKey() + SUCCESSOR;
    String to = run.dataset() + AFTER_SEPARATOR;
    List<DocumentSync.Item> items = new ArrayList<>(chunk);
    // A chunk embeds on the stream thread, inside the task's transaction (15 s timeout), and the step's budget is
    // checked between chunks: so a chunk ends at one embedding batch, however many samples that takes, and a
    // sample that needs more than a batch is embedded a batch per chunk (embedPart).
    List<SimilarityRun> thisRun = List.of(run);
    int embeddings = 0;
    boolean more = false;
    try (KeyValueIterator<String, SampleState> it = samples.range(from, to)) {
      while (items.size() < chunk && embeddings < embedBatchSize && it.hasNext()) {
        KeyValue<String, SampleState> entry = it.next();
        DocumentSync.Item item = new DocumentSync.Item(entry.key, entry.value, entry.value.version(), Set.of());
        int jobs = run.isPrecomputed() ? 0 : sync.planEmbeddings(List.of(item), dataset -> thisRun).jobCount();
        if (!items.isEmpty() && embeddings + jobs > embedBatchSize) {
          more = true; // a sample of many patches starts a chunk of its own
          break;
        }
        items.add(item);
        embeddings += jobs;
      }
      more |= it.hasNext();
    }
    if (items.isEmpty()) {
      return progressed(key, run, new DocumentSync.Started(List.of(), NOTHING_WRITTEN), current.finished());
    }
    if (embeddings > embedBatchSize && embedPart(items.get(0), thisRun, deadLetters)) {
      return progressed(key, run, new DocumentSync.Started(List.of(), NOTHING_WRITTEN), current);
    }
    // A sample the outbox writes later is written with every run known by then, this one included:
    // writing it here too would only repeat its work and dead letters, and could overtake a newer write.
    List<DocumentSync.Item> toWrite = items.stream().filter(i -> !outbox.takesOver(i.key())).toList();
    List<String> held = toWrite.stream().map(DocumentSync.Item::key).toList();
    outbox.holdForBackfill(held);
    DocumentSync.Started started;
    try {
      started = sync.startSync(toWrite, dataset -> thisRun, Set.copyOf(unembeddable), deadLetters);
      unembeddable.clear();
    } catch (RuntimeException e) {
      outbox.releaseFromBackfill(held);
      throw e;
    }
    BackfillProgress next = current.advance(items.get(items.size() - 1).key(), items.size());
    return progressed(key, run, started, more ? next : next.finished());
  }
}
