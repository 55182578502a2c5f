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
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Applies change events to the samples store and queues the changed samples in the {@link Outbox};
 * a flush writes them to Elasticsearch from their current state while processing goes on, and an
 * entry leaves the outbox only once its write was acknowledged. Under exactly_once_v2 the store
 * changes, dead letters and input offsets commit together, so offsets are never committed for
 * changes whose writes might be lost.
 */
final class ChangeProcessor implements Processor<String, byte[], String, byte[]> {
  /** Time a backfill step may take, so commits keep coming during a long backfill. */
  private static final long BACKFILL_BUDGET_MS = 300;
  private static final Duration BACKFILL_INTERVAL = Duration.ofMillis(500);
  /**
   * Longest wait for room in the outbox per record. With each record's wait this short, a slow or absent
   * Elasticsearch still lets transactions commit well within their timeout: a crashed instance's open
   * transaction holds its changelogs' restore elsewhere until that timeout, so it must stay short.
   */
  static final Duration CAPACITY_WAIT = Duration.ofSeconds(1);

  private final String changeTopic;
  private final DatasetCatalog datasets;
  private final RunCatalog.Changes runChanges;
  private final VectorIndexWriter writer;
  private final EmbedderProvider embedders;
  private final Executor embedExecutor;
  private final TopologyOptions options;
  private final IndexerMetrics metrics;

  private ProcessorContext<String, byte[]> context;
  private KeyValueStore<String, SampleState> samples;
  private RunCatalog runs;
  private Outbox outbox;
  private Backfill backfill;

  ChangeProcessor(String changeTopic, DatasetCatalog datasets, RunCatalog.Changes runChanges, VectorIndexWriter writer,
                  EmbedderProvider embedders, Executor embedExecutor, TopologyOptions options, IndexerMetrics metrics) {
    this.changeTopic = changeTopic;
    this.datasets = datasets;
    this.runChanges = runChanges;
    this.writer = writer;
    this.embedders = embedders;
    this.embedExecutor = embedExecutor;
    this.options = options;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, byte[]> context) {
    this.context = context;
    this.samples = context.getStateStore(IndexerTopology.SAMPLES_STORE);
    KeyValueStore<String, PendingChange> pending = context.getStateStore(IndexerTopology.PENDING_STORE);
    KeyValueStore<String, BackfillProgress> progress = context.getStateStore(IndexerTopology.BACKFILL_STORE);
    this.runs = new RunCatalog(context.getStateStore(IndexerTopology.RUNS_STORE), runChanges);
    OwedWrites owed = new OwedWrites(context.getStateStore(IndexerTopology.OWED_STORE));
    DocumentSync sync = new DocumentSync(samples, progress, owed, writer, embedders, metrics);
    this.outbox = new Outbox(pending, samples, sync, writer, embedExecutor, options, metrics,
        context::currentSystemTimeMs);
    this.backfill = new Backfill(samples, progress, runs, sync, owed, outbox, options.backfillChunk(),
        options.embedBatchSize(), context.taskId().toString(), metrics);
    long halfWaitMs = Math.max(1, options.maxWait().toMillis() / 2);
    context.schedule(Duration.ofMillis(halfWaitMs), PunctuationType.WALL_CLOCK_TIME, now -> {
      outbox.applyCompletions();
      if (outbox.due(now)) {
        flush();
      }
    });
    context.schedule(BACKFILL_INTERVAL, PunctuationType.WALL_CLOCK_TIME,
        now -> backfill.step(BACKFILL_BUDGET_MS, this::sendDeadLetter));
  }

  @Override
  public void process(Record<String, byte[]> record) {
    outbox.applyCompletions();
    ChangeEvent event;
    try {
      event = ChangeEventCodec.decode(record.value());
    } catch (InvalidEventException e) {
      deadLetter(record, e.reason().unreadable() ? DeadLetterKind.UNPARSEABLE : DeadLetterKind.INVALID_EVENT,
          e.getMessage());
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
      String tooLarge = applyUpsert(eventKey, upsert, version);
      if (tooLarge != null) {
        deadLetter(record, DeadLetterKind.TOO_LARGE, tooLarge);
        return;
      }
      // The state is applied whatever the runs think of it: a run it does not fit gets its own dead
      // letter and no document, the other runs of the dataset index it as usual.
      for (SimilarityRun run : runs.of(event.dataset())) {
        Rejection rejection = checkAgainstRun(upsert, run);
        if (rejection != null) {
          deadLetter(record, rejection.kind, rejection.detail);
        }
      }
      metrics.eventIn(upsert instanceof SampleAdded ? ChangeEvent.SAMPLE_ADDED : ChangeEvent.SAMPLE_UPDATED);
    } else {
      applyDelete(eventKey, version);
      metrics.eventIn(ChangeEvent.SAMPLE_DELETED);
    }
    if (!outbox.full()) {
      return;
    }
    if (outbox.awaitCapacity(outbox.overflowing() ? CAPACITY_WAIT : Duration.ZERO)) {
      flush();
    } else if (outbox.overflowing()) {
      // Still no room: commit what this task did so far rather than hold its transaction open longer.
      context.commit();
    }
  }

  private record Rejection(DeadLetterKind kind, String detail) {
  }

  /** Why the event cannot be indexed by one run: a vector that does not fit, or a model this indexer lacks. */
  private Rejection checkAgainstRun(SampleUpsert event, SimilarityRun run) {
    boolean needsModel = false;
    if (run.indexesPatches()) {
      for (Patch patch : event.patches()) {
        if (!patch.belongsTo(run.patchesField())) {
          continue;
        }
        float[] vector = RunVectors.raw(run, patch.embeddings(), Map.of(), run.model());
        String problem = vector == null ? null : RunVectors.problem(run, vector);
        if (problem != null) {
          return new Rejection(DeadLetterKind.WRONG_DIMS, "patch '" + patch.labelId() + "': " + problem);
        }
        needsModel |= vector == null;
      }
    } else {
      float[] vector = RunVectors.raw(run, event.embeddings(), Map.of(), run.model());
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
    return null;
  }

  /** Applies the event; returns why it cannot be kept, or null. */
  private String applyUpsert(String key, SampleUpsert event, long version) {
    SampleState previous = samples.get(key);
    Map<String, String> fieldByLabel = new HashMap<>();
    for (Patch patch : event.patches()) {
      fieldByLabel.put(patch.labelId(), patch.field());
    }
    Set<String> removed = new HashSet<>();
    if (previous != null) {
      for (Patch old : previous.patches()) {
        // A patch whose field changed may leave a patch index: delete it there, rewrite it where it belongs.
        if (!fieldByLabel.containsKey(old.labelId())
            || !Objects.equals(fieldByLabel.get(old.labelId()), old.field())) {
          removed.add(old.labelId());
        }
      }
    }
    SampleState next = SampleState.after(previous, event, version);
    if (next.estimatedBytes() > SampleState.MAX_BYTES) {
      return "the sample's state would take about " + next.estimatedBytes() + " bytes, more than the "
          + SampleState.MAX_BYTES + " an indexer keeps per sample";
    }
    samples.put(key, next);
    outbox.queue(key, version, removed, context.currentSystemTimeMs());
    return null;
  }

  private void applyDelete(String key, long version) {
    SampleState previous = samples.get(key);
    Set<String> removed = new HashSet<>();
    if (previous != null) {
      previous.patches().forEach(p -> removed.add(p.labelId()));
      samples.delete(key);
    }
    outbox.queue(key, version, removed, context.currentSystemTimeMs());
  }

  private void flush() {
    outbox.flush(runs::of, this::sendDeadLetter, context.currentSystemTimeMs());
  }

  @Override
  public void close() {
    backfill.close();
    outbox.close();
  }

  private void deadLetter(Record<String, byte[]> record, DeadLetterKind kind, String detail) {
    Headers headers = new RecordHeaders(record.headers().toArray());
    // Where the original is, should a consumer want it from the change topic itself.
    context.recordMetadata().ifPresent(meta -> {
      headers.remove(Topics.DEAD_LETTER_PARTITION_HEADER).remove(Topics.DEAD_LETTER_OFFSET_HEADER);
      headers.add(Topics.DEAD_LETTER_PARTITION_HEADER, String.valueOf(meta.partition()).getBytes(StandardCharsets.UTF_8));
      headers.add(Topics.DEAD_LETTER_OFFSET_HEADER, String.valueOf(meta.offset()).getBytes(StandardCharsets.UTF_8));
    });
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
