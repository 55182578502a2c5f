package io.simstream.indexer.topology;

import io.simstream.event.SampleKey;
import io.simstream.run.SimilarityRun;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** The runs global store (keyed dataset/brainKey), read by dataset. */
final class RunCatalog {
  private static final StringSerializer KEYS = new StringSerializer();

  private final ReadOnlyKeyValueStore<String, SimilarityRun> runs;

  RunCatalog(ReadOnlyKeyValueStore<String, SimilarityRun> runs) {
    this.runs = runs;
  }

  List<SimilarityRun> of(String dataset) {
    List<SimilarityRun> found = new ArrayList<>(2);
    try (KeyValueIterator<String, SimilarityRun> it = runs.prefixScan(SampleKey.prefixOf(dataset), KEYS)) {
      it.forEachRemaining(kv -> found.add(kv.value));
    }
    return found;
  }

  List<SimilarityRun> all() {
    List<SimilarityRun> found = new ArrayList<>();
    try (KeyValueIterator<String, SimilarityRun> it = runs.all()) {
      it.forEachRemaining(kv -> found.add(kv.value));
    }
    return found;
  }
}
