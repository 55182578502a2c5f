package io.simstream.indexer.topology;

import io.simstream.event.ChangeEvent;
import io.simstream.event.ChangeEventCodec;
import io.simstream.event.InvalidEventException;
import io.simstream.event.Patch;
import io.simstream.event.SampleAdded;
import io.simstream.event.SampleDeleted;
import io.simstream.event.SampleUpsert;
import io.simstream.indexer.embed.EmbedderProvider;
import io.simstream.indexer.metrics.IndexerMetrics;
import io.simstream.indexer.state.BackfillProgress;
import io.simstream.indexer.state.PendingChange;
import io.simstream.indexer.state.SampleState;
import io.simstream.indexer.write.VectorIndexWriter;
import io.simstream.kafka.Topics;
import io.simstream.run.SimilarityRun;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Applies change events to the samples store and queues the changed samples in the pending store
 * (the outbox); a flush writes them to Elasticsearch from their current state and only then removes
 * them from the outbox. Under exactly_once_v2 the store changes, dead letters and input offsets commit
 * together, so offsets are never committed for writes that did not succeed.
 */
final class ChangeProcessor implements Processor<String, byte[], String, byte[]> {
  /** Time a backfill step may take, so commits keep coming during a long backfill. */
  private static final long BACKFILL_BUDGET_MS = 300;
  private static final Duration BACKFILL_INTERVAL = Duration.ofMillis(500);

  private final String changeTopic;
  private final DatasetCatalog datasets;
  private final VectorIndexWriter writer;
  private final EmbedderProvider embedders;
  private final TopologyOptions options;
  private final IndexerMetrics metrics;

  private ProcessorContext<String, byte[]> context;
  private KeyValueStore<String, SampleState> samples;
  private KeyValueStore<String, PendingChange> pending;
  private RunCatalog runs;
  private DocumentSync sync;
  private Backfill backfill;
  private int pendingCount;
  /** Wall-clock time the oldest unwritten change was queued. */
  private long oldestPendingMs;

  ChangeProcessor(String changeTopic, DatasetCatalog datasets, VectorIndexWriter writer, EmbedderProvider embedders,
                  TopologyOptions options, IndexerMetrics metrics) {
    this.changeTopic = changeTopic;
    this.datasets = datasets;
    this.writer = writer;
    this.embedders = embedders;
    this.options = options;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, byte[]> context) {
    this.context = context;
    this.samples = context.getStateStore(IndexerTopology.SAMPLES_STORE);
    this.pending = context.getStateStore(IndexerTopology.PENDING_STORE);
    KeyValueStore<String, BackfillProgress> progress = context.getStateStore(IndexerTopology.BACKFILL_STORE);
    this.runs = new RunCatalog(context.getStateStore(IndexerTopology.RUNS_STORE));
    this.sync = new DocumentSync(samples, writer, embedders, options.embedBatchSize(), metrics);
    this.backfill = new Backfill(samples, progress, runs, sync, options.backfillChunk(),
        context.taskId().toString(), metrics);
    // Entries restored from the changelog were not written before the last stop: the next flush writes them.
    try (KeyValueIterator<String, PendingChange> it = pending.all()) {
      it.forEachRemaining(kv -> pendingCount++);
    }
    // Checked twice per max-wait, flushed only once the oldest change waited half of it: a flush right
    // after another (a slow bulk makes the next punctuation due at once) would write tiny batches.
    long halfWaitMs = Math.max(1, options.maxWait().toMillis() / 2);
    context.schedule(Duration.ofMillis(halfWaitMs), PunctuationType.WALL_CLOCK_TIME, now -> {
      if (now - oldestPendingMs >= halfWaitMs) {
        flush();
      }
    });
    context.schedule(BACKFILL_INTERVAL, PunctuationType.WALL_CLOCK_TIME,
        now -> backfill.step(BACKFILL_BUDGET_MS, this::sendDeadLetter));
  }

  @Override
  public void process(Record<String, byte[]> record) {
    ChangeEvent event;
    try {
      event = ChangeEventCodec.decode(record.value());
    } catch (InvalidEventException e) {
      // The codec's reasons for bytes it cannot read at all, as opposed to events with missing fields.
      boolean unreadable = e.getMessage().startsWith("unparseable") || e.getMessage().startsWith("empty");
      deadLetter(record, unreadable ? DeadLetterKind.UNPARSEABLE : DeadLetterKind.INVALID_EVENT, e.getMessage());
      return;
    }
    String eventKey = event.key().toString();
    if (!eventKey.equals(record.key())) {
      deadLetter(record, DeadLetterKind.KEY_MISMATCH,
          "record key '" + record.key() + "' is not the event's key '" + eventKey + "'");
      return;
    }
    if (!datasets.isKnown(event.dataset())) {
      deadLetter(record, DeadLetterKind.UNKNOWN_DATASET, "dataset '" + event.dataset() + "' is not registered");
      return;
    }
    long version = context.recordMetadata().orElseThrow().offset();
    if (event instanceof SampleUpsert upsert) {
      List<SimilarityRun> datasetRuns = runs.of(event.dataset());
      Rejection rejection = checkAgainstRuns(upsert, datasetRuns);
      if (rejection != null) {
        deadLetter(record, rejection.kind, rejection.detail);
        return;
      }
      applyUpsert(eventKey, upsert, version);
      metrics.eventIn(upsert instanceof SampleAdded ? "sample_added" : "sample_updated");
    } else {
      applyDelete(eventKey, version);
      metrics.eventIn("sample_deleted");
    }
    if (pendingCount >= options.batchSize()) {
      flush();
    }
  }

  private record Rejection(DeadLetterKind kind, String detail) {
  }

  /** Vectors that do not fit a run, and models this indexer lacks, reject the whole event. */
  private Rejection checkAgainstRuns(SampleUpsert event, List<SimilarityRun> datasetRuns) {
    for (SimilarityRun run : datasetRuns) {
      boolean needsModel = false;
      if (run.indexesPatches()) {
        for (Patch patch : event.patches()) {
          if (!patch.belongsTo(run.patchesField())) {
            continue;
          }
          float[] vector = run.vectorFrom(patch.embeddings());
          String problem = vector == null ? null : RunVectors.problem(run, vector);
          if (problem != null) {
            return new Rejection(DeadLetterKind.WRONG_DIMS, "patch '" + patch.labelId() + "': " + problem);
          }
          needsModel |= vector == null;
        }
      } else {
        float[] vector = run.vectorFrom(event.embeddings());
        String problem = vector == null ? null : RunVectors.problem(run, vector);
        if (problem != null) {
          return new Rejection(DeadLetterKind.WRONG_DIMS, problem);
        }
        needsModel = vector == null;
      }
      if (needsModel && !run.isPrecomputed() && embedders.find(run.model()).isEmpty()) {
        return new Rejection(DeadLetterKind.MODEL_UNAVAILABLE, "model " + run.model() + " is not available (run '"
            + run.brainKey() + "' needs it and the event carries no vector for it)");
      }
    }
    return null;
  }

  private void applyUpsert(String key, SampleUpsert event, long version) {
    SampleState previous = samples.get(key);
    Set<String> present = new HashSet<>();
    Map<String, String> fieldByLabel = new HashMap<>();
    for (Patch patch : event.patches()) {
      present.add(patch.labelId());
      fieldByLabel.put(patch.labelId(), patch.field());
    }
    Set<String> removed = new HashSet<>();
    if (previous != null) {
      for (Patch old : previous.patches()) {
        // A patch whose field changed may leave a patch index: delete it there, rewrite it where it belongs.
        if (!present.contains(old.labelId()) || !Objects.equals(fieldByLabel.get(old.labelId()), old.field())) {
          removed.add(old.labelId());
        }
      }
    }
    samples.put(key, SampleState.after(previous, event, version));
    queue(key, version, removed, present);
  }

  private void applyDelete(String key, long version) {
    SampleState previous = samples.get(key);
    Set<String> removed = new HashSet<>();
    if (previous != null) {
      previous.patches().forEach(p -> removed.add(p.labelId()));
      samples.delete(key);
    }
    queue(key, version, removed, Set.of());
  }

  private void queue(String key, long version, Set<String> removed, Set<String> present) {
    PendingChange earlier = pending.get(key);
    if (earlier == null) {
      if (pendingCount++ == 0) {
        oldestPendingMs = context.currentSystemTimeMs();
      }
    }
    Set<String> stillRemoved = new HashSet<>(removed);
    // A label removed earlier and present again is rewritten; one whose field changed must still go.
    if (earlier != null) {
      for (String label : earlier.removedLabelIds()) {
        if (!present.contains(label)) {
          stillRemoved.add(label);
        }
      }
    }
    pending.put(key, new PendingChange(version, stillRemoved));
  }

  /** Writes every pending sample from its current state, then empties the outbox. */
  private void flush() {
    if (pendingCount == 0) {
      return;
    }
    long start = System.nanoTime();
    List<DocumentSync.Item> items = new ArrayList<>(pendingCount);
    try (KeyValueIterator<String, PendingChange> it = pending.all()) {
      while (it.hasNext()) {
        KeyValue<String, PendingChange> entry = it.next();
        items.add(new DocumentSync.Item(entry.key, samples.get(entry.key), entry.value.version(),
            entry.value.removedLabelIds()));
      }
    }
    Map<String, List<SimilarityRun>> runsByDataset = new HashMap<>();
    int writes = sync.sync(items, dataset -> runsByDataset.computeIfAbsent(dataset, runs::of), this::sendDeadLetter);
    for (DocumentSync.Item item : items) {
      pending.delete(item.key());
    }
    pendingCount = 0;
    metrics.flushed(items.size(), writes, System.nanoTime() - start);
  }

  private void deadLetter(Record<String, byte[]> record, DeadLetterKind kind, String detail) {
    Headers headers = new RecordHeaders(record.headers().toArray());
    forwardDeadLetter(record.key(), record.value(), kind, detail, changeTopic, headers, record.timestamp());
  }

  private void sendDeadLetter(String key, byte[] value, DeadLetterKind kind, String detail, String source) {
    forwardDeadLetter(key, value, kind, detail, source, new RecordHeaders(), context.currentSystemTimeMs());
  }

  private void forwardDeadLetter(String key, byte[] value, DeadLetterKind kind, String detail, String source,
                                 Headers headers, long timestamp) {
    headers.remove(Topics.DEAD_LETTER_REASON_HEADER).remove(Topics.DEAD_LETTER_SOURCE_HEADER);
    headers.add(Topics.DEAD_LETTER_REASON_HEADER, kind.reason(detail).getBytes(StandardCharsets.UTF_8));
    headers.add(Topics.DEAD_LETTER_SOURCE_HEADER, source.getBytes(StandardCharsets.UTF_8));
    context.forward(new Record<>(key, value, timestamp, headers), IndexerTopology.DEAD_LETTER_SINK);
    metrics.deadLetter(kind.code());
  }
}
