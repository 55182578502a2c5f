package io.simstream.indexer.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** The indexer's meters; names start with {@code simstream.indexer}. */
public final class IndexerMetrics {
  private static final String PREFIX = "simstream.indexer.";

  private final MeterRegistry registry;
  private final Timer bulkLatency;
  private final Timer embedLatency;
  private final Timer flushLatency;
  private final DistributionSummary flushSamples;
  private final DistributionSummary flushWrites;
  private final Counter versionConflicts;
  private final Counter bulkRetried;
  private final Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();

  public IndexerMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.bulkLatency = Timer.builder(PREFIX + "bulk.latency").description("Duration of one bulk request")
        .publishPercentiles(0.5, 0.99).register(registry);
    this.embedLatency = Timer.builder(PREFIX + "embed.latency").description("Duration of one embedding batch")
        .register(registry);
    this.flushLatency = Timer.builder(PREFIX + "flush.latency").description("Duration of one flush of pending changes")
        .register(registry);
    this.flushSamples = DistributionSummary.builder(PREFIX + "flush.samples").description("Samples per flush")
        .register(registry);
    this.flushWrites = DistributionSummary.builder(PREFIX + "flush.writes").description("Document writes per flush")
        .register(registry);
    this.versionConflicts = Counter.builder(PREFIX + "version.conflicts")
        .description("Writes Elasticsearch already had in this or a newer version (409)").register(registry);
    this.bulkRetried = Counter.builder(PREFIX + "bulk.retried").description("Writes sent again after a failure")
        .register(registry);
  }

  /** Meters kept in memory only, for tests and tools. */
  public static IndexerMetrics inMemory() {
    return new IndexerMetrics(new SimpleMeterRegistry());
  }

  public MeterRegistry registry() {
    return registry;
  }

  public void eventIn(String type) {
    registry.counter(PREFIX + "events.in", "type", type).increment();
  }

  public void deadLetter(String kind) {
    registry.counter(PREFIX + "dead.letters", "kind", kind).increment();
  }

  public void flushed(int samples, int writes, long nanos) {
    flushSamples.record(samples);
    flushWrites.record(writes);
    flushLatency.record(nanos, TimeUnit.NANOSECONDS);
  }

  public void bulkLatency(long nanos) {
    bulkLatency.record(nanos, TimeUnit.NANOSECONDS);
  }

  public void bulkFailed(String scope) {
    registry.counter(PREFIX + "bulk.failures", "scope", scope).increment();
  }

  public void bulkRetried(int writes) {
    bulkRetried.increment(writes);
  }

  public void versionConflicts(int count) {
    versionConflicts.increment(count);
  }

  public void embedLatency(long nanos) {
    embedLatency.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Samples written so far by one task's backfill of a run. */
  public void backfillProgress(String runId, String task, long samples) {
    gauge("backfill.samples", samples, "run", runId, "task", task);
  }

  /** Documents in a run's index, from a periodic _count. */
  public void indexSize(String runId, String index, long documents) {
    gauge("index.documents", documents, "run", runId, "index", index);
  }

  private void gauge(String name, long value, String... tags) {
    String key = name + String.join("\u0000", tags);
    gauges.computeIfAbsent(key, k -> {
      AtomicLong holder = new AtomicLong();
      registry.gauge(PREFIX + name, Tags.of(tags), holder, AtomicLong::doubleValue);
      return holder;
    }).set(value);
  }
}
