package io.simstream.indexer.topology;

import io.simstream.event.SampleKey;
import io.simstream.run.SimilarityRun;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The runs global store (keyed dataset/brainKey), read by dataset. Every upsert asks for its
 * dataset's runs; a store scan decodes each run's JSON, so the answer is kept per dataset until the
 * global store changes ({@link Changes}, bumped by the global thread after each write).
 */
final class RunCatalog {
  private static final StringSerializer KEYS = new StringSerializer();

  private final ReadOnlyKeyValueStore<String, SimilarityRun> runs;
  private final Changes changes;
  private final Map<String, List<SimilarityRun>> byDataset = new HashMap<>();
  private long seen = -1;

  RunCatalog(ReadOnlyKeyValueStore<String, SimilarityRun> runs, Changes changes) {
    this.runs = runs;
    this.changes = changes;
  }

  /** The dataset's runs, unmodifiable. */
  List<SimilarityRun> of(String dataset) {
    // Read the count before the store: a write landing during the scan bumps it past what we saw.
    long now = changes.count();
    if (now != seen) {
      byDataset.clear();
      seen = now;
    }
    return byDataset.computeIfAbsent(dataset, this::scan);
  }

  List<SimilarityRun> all() {
    List<SimilarityRun> found = new ArrayList<>();
    try (KeyValueIterator<String, SimilarityRun> it = runs.all()) {
      it.forEachRemaining(kv -> found.add(kv.value));
    }
    return found;
  }

  private List<SimilarityRun> scan(String dataset) {
    List<SimilarityRun> found = new ArrayList<>(2);
    try (KeyValueIterator<String, SimilarityRun> it = runs.prefixScan(SampleKey.prefixOf(dataset), KEYS)) {
      it.forEachRemaining(kv -> found.add(kv.value));
    }
    return List.copyOf(found);
  }

  /** How many writes the global store has taken; shared by the global thread and every task. */
  static final class Changes {
    private final AtomicLong count = new AtomicLong();

    void written() {
      count.incrementAndGet();
    }

    long count() {
      return count.get();
    }
  }
}
