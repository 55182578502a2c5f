package io.simstream.indexer.topology;

import io.simstream.indexer.embed.EmbedderProvider;
import io.simstream.indexer.metrics.IndexerMetrics;
import io.simstream.indexer.state.BackfillProgress;
import io.simstream.indexer.state.PendingChangeSerde;
import io.simstream.indexer.state.SampleStateSerde;
import io.simstream.indexer.write.VectorIndexWriter;
import io.simstream.kafka.JsonSerde;
import io.simstream.kafka.Topic;
import io.simstream.kafka.Topics;
import io.simstream.run.SimilarityRun;
import java.util.Map;
import java.util.concurrent.Executor;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The indexer's topology: change topic (bytes) -> {@link ChangeProcessor} (samples, pending, backfill and owed
 * stores; runs as a global store) -> Elasticsearch through a {@link VectorIndexWriter}, and bad events to
 * the dead-letter topic.
 */
public final class IndexerTopology {
  public static final String SOURCE = "changes";
  public static final String PROCESSOR = "index-changes";
  public static final String DEAD_LETTER_SINK = "dead-letters";
  /** sampleKey -> SampleState of every live sample (persistent, changelogged). */
  public static final String SAMPLES_STORE = "samples";
  /** sampleKey -> PendingChange: the outbox of samples whose documents are not written yet. */
  public static final String PENDING_STORE = "pending";
  /**
   * When the broker compacts the sample states' changelog: once this share of it is written since the last
   * compaction (Kafka's default is 0.5). Most samples are written once, so compaction removes little, yet each
   * pass copies the whole log: at 0.5 every byte written was copied twice more, a broker CPU cost per vector
   * as large as the stream thread's decoding. At 0.8 it is copied 1.25 times; the price is a log of up to five
   * times the live states before a pass, where every change is an update.
   */
  public static final String SAMPLES_CHANGELOG_DIRTY_RATIO = "0.8";
  /** run id -> BackfillProgress of this task's samples. */
  public static final String BACKFILL_STORE = "backfill";
  /** run id + sampleKey -> PendingChange: what a run whose index Elasticsearch would not show owes (OwedWrites). */
  public static final String OWED_STORE = "owed";
  /** dataset/brainKey -> SimilarityRun, every run, on every instance. */
  public static final String RUNS_STORE = "runs";

  private IndexerTopology() {
  }

  /**
   * @param embedExecutor where images are embedded, off the stream thread (tests pass a direct one)
   */
  public static Topology build(Topics topics, DatasetCatalog datasets, VectorIndexWriter writer,
                               EmbedderProvider embedders, Executor embedExecutor, TopologyOptions options,
                               IndexerMetrics metrics) {
    StreamsBuilder builder = new StreamsBuilder();
    Topic<String, SimilarityRun> runsTopic = topics.runs();
    RunCatalog.Changes runChanges = new RunCatalog.Changes();
    // The global store's changelog is the (compacted) runs topic itself, so logging is off.
    builder.addGlobalStore(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(RUNS_STORE), Serdes.String(),
            runsTopic.valueSerde()).withLoggingDisabled(),
        runsTopic.name(), Consumed.with(runsTopic.keySerde(), runsTopic.valueSerde()), () -> new RunsUpdater(runChanges, writer));

    Topology topology = builder.build();
    Topic<String, byte[]> changes = topics.changes();
    Topic<String, byte[]> deadLetters = topics.deadLetters();
    topology.addSource(SOURCE, changes.keySerde().deserializer(), changes.valueSerde().deserializer(), changes.name());
    topology.addProcessor(PROCESSOR,
        () -> new ChangeProcessor(changes.name(), datasets, runChanges, writer, embedders, embedExecutor, options, metrics),
        SOURCE);
    // Not cached: sample states (a vector each) filled the thread's record cache within a commit interval,
    // and every put then evicted, flushing the outbox entries too. Caching saved only the rare second
    // change of a sample between two commits.
    topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SAMPLES_STORE),
        Serdes.String(), new SampleStateSerde())
        .withLoggingEnabled(Map.of(TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, SAMPLES_CHANGELOG_DIRTY_RATIO)),
        PROCESSOR);
    // Cached: an entry queued and acknowledged between two commits never reaches the changelog. Persistent
    // although small: an in-memory store is rebuilt from its changelog's start at every restart, and that
    // changelog holds a put and a tombstone per change until compaction reaches it.
    topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PENDING_STORE),
        Serdes.String(), new PendingChangeSerde()).withCachingEnabled(), PROCESSOR);
    topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(BACKFILL_STORE),
        Serdes.String(), JsonSerde.of(BackfillProgress.class)), PROCESSOR);
    topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(OWED_STORE),
        Serdes.String(), new PendingChangeSerde()), PROCESSOR);
    topology.addSink(DEAD_LETTER_SINK, deadLetters.name(), deadLetters.keySerde().serializer(),
        deadLetters.valueSerde().serializer(), PROCESSOR);
    return topology;
  }

  /**
   * Keeps the runs global store equal to the runs topic (a tombstone removes a run) and tells the writer of runs
   * deleted with their index.
   */
  private static final class RunsUpdater implements Processor<String, SimilarityRun, Void, Void> {
    private final RunCatalog.Changes changes;
    private final VectorIndexWriter writer;
    private KeyValueStore<String, SimilarityRun> store;

    RunsUpdater(RunCatalog.Changes changes, VectorIndexWriter writer) {
      this.changes = changes;
      this.writer = writer;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      store = context.getStateStore(RUNS_STORE);
    }

    @Override
    public void process(Record<String, SimilarityRun> record) {
      if (record.value() == null) {
        SimilarityRun deleted = store.delete(record.key());
        if (deleted != null && record.headers().lastHeader(Topics.RUN_CLEANUP_HEADER) != null) {
          writer.retire(deleted, record.timestamp());
        }
      } else {
        store.put(record.key(), record.value());
        // In the topic's order, so every instance (and a replay) sees a new run take the name after the old one left.
        writer.claim(record.value());
      }
      changes.written();
    }
  }
}
