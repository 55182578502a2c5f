package io.simstream.indexer.topology;

import io.simstream.indexer.metrics.IndexerMetrics;
import io.simstream.indexer.state.PendingChange;
import io.simstream.indexer.state.SampleState;
import io.simstream.indexer.write.IndexWriteException;
import io.simstream.indexer.write.PendingWrite;
import io.simstream.indexer.write.VectorIndexWriter;
import io.simstream.indexer.write.WriteOp;
import io.simstream.indexer.write.WriteResult;
import io.simstream.run.SimilarityRun;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The task's outbox ({@code pending} store) and the writes it has in flight. A flush takes waiting
 * entries, embeds what they miss on the embedding executor, then submits their writes without
 * waiting; the stream thread goes on processing. Completions come back through a queue and are
 * applied on the stream thread only. Invariants (see docs/indexer.md):
 * <ul>
 *   <li>an entry leaves the store only when a write of its exact version was acknowledged;</li>
 *   <li>a sample has at most one write in flight, so no write can overtake a newer one of the same
 *       document, and a retry never resends an op a newer one replaced;</li>
 *   <li>stages in flight (embedding batches and bulk submissions) and their bytes are bounded:
 *       beyond that, {@link #awaitCapacity} blocks the stream thread, which is the backpressure (for a
 *       bounded time per record, so the task's transaction still commits while Elasticsearch is slow).</li>
 * </ul>
 */
final class Outbox implements AutoCloseable {
  /** Longest single wait for a completion, so the stream thread re-checks its state now and then. */
  private static final long POLL_MS = 100;
  /** Tries of an image that failed to fetch before its failure is dead-lettered. */
  static final int IMAGE_ATTEMPTS = 3;
  private static final long IMAGE_RETRY_PAUSE_MS = 2_000;
  /** Batches a task may hold waiting beyond its stages in flight before the stream thread waits for room. */
  private static final int WAITING_BATCHES = 4;

  private final KeyValueStore<String, PendingChange> pending;
  private final KeyValueStore<String, SampleState> samples;
  private final DocumentSync sync;
  private final VectorIndexWriter writer;
  private final Executor embedExecutor;
  private final TopologyOptions options;
  private final IndexerMetrics metrics;
  /** The task's wall clock (the stream time a flush is given is old by the time an embedding completes). */
  private final LongSupplier wallClockMs;
  private final LinkedBlockingQueue<Runnable> completions = new LinkedBlockingQueue<>();
  /**
   * Samples with an entry that no stage holds and no image retry delays, oldest first. Every entry is
   * in exactly one of this set, {@link #busy} and {@link #retryAtMs}; so a flush takes its batch without
   * scanning the store past the entries in flight (that scan was the stream thread's largest cost).
   */
  private final Set<String> ready = new LinkedHashSet<>();
  /** Samples with a stage in flight; their entries stay in the store until acknowledged. */
  private final Set<String> busy = new HashSet<>();
  /**
   * Busy samples queued again since their stage took them: their entry's version is no longer the one
   * being written. Kept here so the stream thread need not read each entry back to compare versions.
   */
  private final Set<String> requeued = new HashSet<>();
  private final Set<PendingWrite> open = new HashSet<>();
  /**
   * Samples a backfill chunk is writing: no flush takes them until its writes complete, so the outbox's
   * write of a newer state cannot be overtaken by the chunk's retry (a delete outrun that way would leave a
   * ghost once Elasticsearch forgets its tombstone).
   */
  private final Set<String> heldByBackfill = new HashSet<>();
  /** Samples whose images failed in a way that may pass: when to try again, and how often it failed. */
  private final Map<String, Long> retryAtMs = new HashMap<>();
  private final Map<String, Integer> imageAttempts = new HashMap<>();
  private int stagesInFlight;
  /** Until when flushes wait: a run's new index could not be checked yet (Elasticsearch away). */
  private long writesPausedUntilMs;
  private long bytesInFlight;
  private long oldestWaitingMs;
  /** Whether a sample was queued since the last {@link #due} check: the input is still flowing. */
  private boolean queuedSinceCheck;
  private boolean closed;

  Outbox(KeyValueStore<String, PendingChange> pending, KeyValueStore<String, SampleState> samples, DocumentSync sync,
         VectorIndexWriter writer, Executor embedExecutor, TopologyOptions options,
         IndexerMetrics metrics, LongSupplier wallClockMs) {
    this.pending = pending;
    this.wallClockMs = wallClockMs;
    this.samples = samples;
    this.sync = sync;
    this.writer = writer;
    this.embedExecutor = embedExecutor;
    this.options = options;
    this.metrics = metrics;
    // Entries restored from the changelog were not acknowledged before the last stop: the next flush writes them.
    try (KeyValueIterator<String, PendingChange> it = pending.all()) {
      it.forEachRemaining(kv -> ready.add(kv.key));
    }
  }

  /**
   * Records that the sample changed. Removed labels accumulate until written: a label that came back
   * in one field may still have to leave another field's index, which the planner decides per run.
   */
  void queue(String key, long version, Set<String> removedLabelIds, long nowMs) {
    PendingChange earlier = pending.get(key);
    Set<String> removed = new HashSet<>(removedLabelIds);
    if (earlier != null) {
      removed.addAll(earlier.removedLabelIds());
    }
    retryAtMs.remove(key);
    // A new state, perhaps a new image: its own tries, even if the one in flight fails its last.
    imageAttempts.remove(key);
    if (busy.contains(key)) {
      requeued.add(key);
    } else {
      if (waiting() == 0) {
        oldestWaitingMs = nowMs;
      }
      ready.add(key);
    }
    pending.put(key, new PendingChange(version, removed));
    queuedSinceCheck = true;
  }

  /** Whether the sample is queued and no flush took it yet, so a later flush will write it. */
  boolean willWrite(String key) {
    return ready.contains(key) || retryAtMs.containsKey(key);
  }

  /**
   * Whether the outbox will write the sample with every run known at a later flush, so that a backfill
   * chunk must leave it out: queued and not taken yet, or taken by a stage planned before (perhaps
   * without the backfill's run), which then leaves the entry for the next flush to write again.
   */
  boolean takesOver(String key) {
    if (busy.contains(key)) {
      requeued.add(key);
      return true;
    }
    return willWrite(key);
  }

  /** Whether a stage of this outbox is writing the sample now. */
  boolean writing(String key) {
    return busy.contains(key);
  }

  void holdForBackfill(Collection<String> keys) {
    heldByBackfill.addAll(keys);
  }

  void releaseFromBackfill(Collection<String> keys) {
    heldByBackfill.removeAll(keys);
  }

  /** Entries not being written right now, nor waiting to retry an image. */
  int waiting() {
    return ready.size();
  }

  boolean full() {
    return waiting() >= options.batchSize();
  }

  /**
   * Whether the task holds as many waiting entries as it may before the stream thread waits for room. Waiting for
   * room as soon as one batch waits held the thread on this task while the other tasks' stages completed, so
   * their next bulks waited too: a few batches of slack keep every task's stages busy.
   */
  boolean overflowing() {
    return waiting() >= WAITING_BATCHES * options.batchSize();
  }

  /**
   * Whether a flush is due: a full batch, or, when nothing is in flight, a partial one whose oldest
   * entry waited the max wait, or half of it once the input paused (nothing queued since the last
   * check). While a stage is in flight, or records keep coming, entries gather into larger batches: a
   * stream of small bulks (each a translog sync in Elasticsearch, and a flush's fixed cost here) takes
   * far fewer documents per second than a few large ones. Under a backlog, flushing at half the wait
   * gave bulks of 60 samples where 256 fit, at twice the CPU per document.
   */
  boolean due(long nowMs) {
    expireRetries(nowMs);
    boolean inputPaused = !queuedSinceCheck;
    queuedSinceCheck = false;
    if (nowMs < writesPausedUntilMs) {
      return false;
    }
    if (full()) {
      return true;
    }
    long maxWaitMs = Math.max(1, options.maxWait().toMillis());
    long waitedMs = nowMs - oldestWaitingMs;
    return waiting() > 0 && stagesInFlight == 0
        && (waitedMs >= maxWaitMs || (inputPaused && waitedMs >= maxWaitMs / 2));
  }

  /** Samples whose image retry is due wait for a flush again. */
  private void expireRetries(long nowMs) {
    for (Iterator<Map.Entry<String, Long>> it = retryAtMs.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Long> retry = it.next();
      if (retry.getValue() <= nowMs) {
        it.remove();
        ready.add(retry.getKey());
      }
    }
  }

  private boolean hasCapacity() {
    return stagesInFlight < options.maxInFlight() && bytesInFlight < options.maxInFlightBytes();
  }

  /**
   * Blocks the stream thread, applying completions, until a new stage may start or {@code maxWait} has
   * passed; returns whether a stage may start. The wait is bounded because it holds the task's transaction
   * open: a caller that got no room lets the transaction commit before it waits again.
   */
  boolean awaitCapacity(Duration maxWait) {
    applyCompletions();
    long deadline = System.nanoTime() + maxWait.toNanos();
    while (!hasCapacity()) {
      long leftNanos = deadline - System.nanoTime();
      if (leftNanos <= 0) {
        return false;
      }
      try {
        Runnable completion = completions.poll(Math.min(POLL_MS, TimeUnit.NANOSECONDS.toMillis(leftNanos) + 1),
            TimeUnit.MILLISECONDS);
        if (completion != null) {
          completion.run();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  /** Applies every completion that arrived, on the calling (stream) thread. */
  void applyCompletions() {
    Runnable completion;
    while ((completion = completions.poll()) != null) {
      completion.run();
    }
  }

  /** Starts writing up to a batch of waiting entries, if a stage is free. */
  void flush(Function<String, List<SimilarityRun>> runsOf, DeadLetterSink deadLetters, long nowMs) {
    applyCompletions();
    expireRetries(nowMs);
    if (waiting() == 0 || !hasCapacity() || nowMs < writesPausedUntilMs) {
      return;
    }
    List<DocumentSync.Item> batch = new ArrayList<>(Math.min(waiting(), options.batchSize()));
    Iterator<String> oldestFirst = ready.iterator();
    while (oldestFirst.hasNext() && batch.size() < options.batchSize()) {
      String key = oldestFirst.next();
      if (heldByBackfill.contains(key)) {
        continue;
      }
      oldestFirst.remove();
      busy.add(key);
      PendingChange entry = pending.get(key);
      batch.add(new DocumentSync.Item(key, samples.get(key), entry.version(), entry.removedLabelIds()));
    }
    if (batch.isEmpty()) {
      return; // every waiting sample is held by a backfill chunk
    }
    oldestWaitingMs = nowMs;
    stagesInFlight++;
    Map<String, List<SimilarityRun>> planned = new HashMap<>();
    EmbeddingPlan plan = sync.planEmbeddings(batch, dataset -> planned.computeIfAbsent(dataset, runsOf));
    if (plan.isEmpty()) {
      write(batch, runsOf, deadLetters);
    } else {
      embed(plan, planned, batch, runsOf, deadLetters, nowMs);
    }
    applyCompletions();
  }

  /**
   * @param planned the runs {@code plan} was made for, by dataset: a sample whose dataset's runs changed meanwhile
   *     waits for the next flush instead, which plans its new runs' vectors too (written now, a new model run
   *     would get a delete for want of a vector, and its backfill skips samples in flight).
   */
  private void embed(EmbeddingPlan plan, Map<String, List<SimilarityRun>> planned, List<DocumentSync.Item> batch,
                     Function<String, List<SimilarityRun>> runsOf, DeadLetterSink deadLetters, long nowMs) {
    embedExecutor.execute(() -> {
      List<EmbeddingPlan.Result> results;
      try {
        results = sync.embed(plan);
      } catch (RuntimeException | Error e) {
        // An Error too (a native library missing, memory): thrown out of this task it would only end a pool thread.
        completions.add(() -> {
          stagesInFlight--;
          batch.forEach(item -> releaseSample(item.key()));
          throw e;
        });
        return;
      }
      completions.add(() -> {
        if (closed) {
          return;
        }
        Set<String> later = deferRetryable(sync.applyEmbeddings(results, deadLetters), deadLetters, nowMs);
        Set<String> runsChanged = new HashSet<>();
        planned.forEach((dataset, runs) -> {
          if (!runs.equals(runsOf.apply(dataset))) {
            runsChanged.add(dataset);
          }
        });
        batch.stream().filter(item -> runsChanged.contains(item.dataset())).forEach(item -> later.add(item.key()));
        // The states now hold the computed vectors: read them again.
        write(batch.stream().filter(item -> !later.contains(item.key()))
            .map(item -> new DocumentSync.Item(item.key(), samples.get(item.key()), item.version(),
                item.removedLabelIds())).toList(), runsOf, deadLetters);
        later.forEach(this::releaseSample);
      });
    });
  }

  /**
   * Keeps samples whose images may load later (fetch failed, timeout) out of this write and retries
   * them after a pause, up to {@link #IMAGE_ATTEMPTS} times; then their failures are dead-lettered.
   *
   * @return the keys deferred
   */
  private Set<String> deferRetryable(List<EmbeddingPlan.Result> failures, DeadLetterSink deadLetters,
                                     long nowMs) {
    Set<String> later = new HashSet<>();
    List<EmbeddingPlan.Result> givenUp = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    for (EmbeddingPlan.Result failure : failures) {
      String key = failure.job().key();
      int attempt = seen.computeIfAbsent(key, k -> imageAttempts.merge(k, 1, Integer::sum));
      if (attempt < IMAGE_ATTEMPTS) {
        later.add(key);
        retryAtMs.put(key, nowMs + IMAGE_RETRY_PAUSE_MS * attempt);
      } else {
        givenUp.add(failure);
      }
    }
    DocumentSync.deadLetterImages(givenUp, deadLetters);
    return later;
  }

  /**
   * Submits the writes of the entries still at the version of their item; the others wait for a new
   * flush. An unchanged version means an unchanged entry and state, so the items' states are used as read.
   */
  private void write(List<DocumentSync.Item> batch, Function<String, List<SimilarityRun>> runsOf,
                     DeadLetterSink deadLetters) {
    long start = System.nanoTime();
    List<DocumentSync.Item> current = new ArrayList<>(batch.size());
    for (DocumentSync.Item item : batch) {
      if (requeued.contains(item.key())) {
        releaseSample(item.key()); // changed while its vectors were computed: the next flush takes it
      } else {
        current.add(item);
      }
    }
    List<WriteOp> ops;
    try {
      ops = sync.planWrites(current, runsOf);
    } catch (IndexWriteException e) {
      e.rethrowUnlessPending();
      // Elasticsearch was away when a run's index was first checked: the batch waits, records keep coming.
      writesPausedUntilMs = wallClockMs.getAsLong() + e.retryAfterMs();
      stagesInFlight--;
      current.forEach(item -> releaseSample(item.key()));
      return;
    }
    long bytes = ops.stream().mapToLong(op -> op.estimatedBytes(writer.vectorEncoding())).sum();
    bytesInFlight += bytes;
    Runnable release = () -> {
      bytesInFlight -= bytes;
      stagesInFlight--;
      current.forEach(item -> releaseSample(item.key()));
    };
    submit(ops, release, result -> {
      DocumentSync.deadLetterRejections(current, runsOf, result, deadLetters);
      acknowledge(current);
      release.run();
      metrics.flushed(current.size(), ops.size(), System.nanoTime() - start);
    });
  }

  /**
   * Submits ops; on success {@code then} runs on the stream thread; on failure {@code release} frees
   * the stage and the failure is rethrown there (the thread is replaced, the entries stay).
   */
  private void submit(List<WriteOp> ops, Runnable release, Consumer<WriteResult> then) {
    if (ops.isEmpty()) {
      then.accept(new WriteResult(0, 0, List.of()));
      return;
    }
    PendingWrite write = sync.submit(ops);
    open.add(write);
    write.result().whenComplete((result, error) -> completions.add(() -> {
      open.remove(write);
      if (closed) {
        return;
      }
      if (error != null) {
        release.run();
        Throwable cause = error instanceof CompletionException ? error.getCause() : error;
        if (cause instanceof RuntimeException runtime && !(cause instanceof CancellationException)) {
          throw runtime;
        }
        throw new IllegalStateException("write failed", cause);
      }
      then.accept(result);
    }));
  }

  /** Ends the sample's stage; an entry it still has (not acknowledged, or queued again) waits for a flush. */
  private void releaseSample(String key) {
    if (busy.remove(key)) {
      requeued.remove(key);
      if (!retryAtMs.containsKey(key)) {
        ready.add(key);
      }
    }
  }

  /** Removes the entries still at the version written (before their release); newer ones stay for the next flush. */
  private void acknowledge(List<DocumentSync.Item> written) {
    for (DocumentSync.Item item : written) {
      if (!requeued.contains(item.key())) {
        pending.put(item.key(), null); // a delete without reading back the old value
        imageAttempts.remove(item.key());
        busy.remove(item.key());
      }
    }
  }

  /** Cancels what is in flight; the entries stay in the store for whoever owns the task next. */
  @Override
  public void close() {
    closed = true;
    List.copyOf(open).forEach(PendingWrite::cancel);
    open.clear();
    completions.clear();
  }
}
