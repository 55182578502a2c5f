package io.simstream.indexer.topology;

import io.simstream.indexer.state.PendingChange;
import io.simstream.indexer.state.SampleState;
import io.simstream.run.SimilarityRun;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writes runs missed while Elasticsearch would not show an index they had written into (the {@code owed}
 * store): per run and sample, the newest version skipped and the patches removed meanwhile. Such an index may hold
 * the run's documents, so skipping the run would leave them stale for good, and holding the outbox would stop every
 * dataset of the task. Instead the other runs go on, and once the index can be read the backfill writes what is
 * owed from the samples' current states. While a run owes anything its live writes are owed too: a live write then
 * never overtakes an owed one of the same document, nor forgets a patch removed meanwhile.
 */
final class OwedWrites {
  private static final Logger LOG = LoggerFactory.getLogger(OwedWrites.class);
  /** Between a run id and a sample key: sorts before any character either may hold. */
  private static final char SEPARATOR = '\u0000';
  private static final char AFTER_SEPARATOR = '\u0001';

  private final KeyValueStore<String, PendingChange> store;
  /** Ids of the runs with an entry, rebuilt from the store when the task starts. */
  private final Set<String> owing = new HashSet<>();

  OwedWrites(KeyValueStore<String, PendingChange> store) {
    this.store = store;
    try (KeyValueIterator<String, PendingChange> it = store.all()) {
      it.forEachRemaining(entry -> owing.add(entry.key.substring(0, entry.key.indexOf(SEPARATOR))));
    }
  }

  boolean owes(SimilarityRun run) {
    return owing.contains(run.id());
  }

  /** Records that the run's writes of the item were skipped, with what the run already owed the sample. */
  void owe(SimilarityRun run, DocumentSync.Item item) {
    String key = key(run.id(), item.key());
    PendingChange earlier = store.get(key);
    Set<String> removed = new HashSet<>(item.removedLabelIds());
    long version = item.version();
    if (earlier != null) {
      removed.addAll(earlier.removedLabelIds());
      version = Math.max(version, earlier.version());
    }
    store.put(key, new PendingChange(version, removed));
    if (owing.add(run.id())) {
      LOG.warn("Elasticsearch will not show index {} of run {} of dataset {}: its writes are kept until it does, "
          + "the other runs go on", run.indexName(), run.brainKey(), run.dataset());
    }
  }

  /**
   * Up to {@code max} samples the run owes, as items of their current state, leaving out those {@code busy} says
   * another write has: their turn comes at a later call.
   */
  List<DocumentSync.Item> items(SimilarityRun run, KeyValueStore<String, SampleState> samples,
                                Predicate<String> busy, int max) {
    List<DocumentSync.Item> items = new ArrayList<>();
    try (KeyValueIterator<String, PendingChange> it = store.range(run.id() + SEPARATOR,
        run.id() + AFTER_SEPARATOR)) {
      while (it.hasNext() && items.size() < max) {
        KeyValue<String, PendingChange> entry = it.next();
        String sampleKey = entry.key.substring(run.id().length() + 1);
        if (busy.test(sampleKey)) {
          continue;
        }
        SampleState state = samples.get(sampleKey);
        long version = Math.max(entry.value.version(), state == null ? 0 : state.version());
        items.add(new DocumentSync.Item(sampleKey, state, version, entry.value.removedLabelIds()));
      }
    }
    return items;
  }

  /** The run's writes of these samples were acknowledged: it no longer owes them. */
  void settle(SimilarityRun run, Collection<String> sampleKeys) {
    sampleKeys.forEach(sampleKey -> store.delete(key(run.id(), sampleKey)));
    try (KeyValueIterator<String, PendingChange> it = store.range(run.id() + SEPARATOR,
        run.id() + AFTER_SEPARATOR)) {
      if (!it.hasNext() && owing.remove(run.id())) {
        LOG.info("Index {} of run {} of dataset {} has every write it was owed", run.indexName(), run.brainKey(),
            run.dataset());
      }
    }
  }

  /** Drops what runs other than {@code live} (deleted ones) owed: no write of theirs will be made. */
  void forgetAllBut(List<SimilarityRun> live) {
    if (owing.isEmpty()) {
      return; // the common case, every step: no set of run ids to build
    }
    Set<String> runIds = live.stream().map(SimilarityRun::id).collect(Collectors.toSet());
    for (String runId : List.copyOf(owing)) {
      if (runIds.contains(runId)) {
        continue;
      }
      List<String> keys = new ArrayList<>();
      try (KeyValueIterator<String, PendingChange> it = store.range(runId + SEPARATOR, runId + AFTER_SEPARATOR)) {
        it.forEachRemaining(entry -> keys.add(entry.key));
      }
      keys.forEach(store::delete);
      owing.remove(runId);
    }
  }

  private static String key(String runId, String sampleKey) {
    return runId + SEPARATOR + sampleKey;
  }
}
