package io.simstream.indexer.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.simstream.metrics.RuntimeMetrics;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The indexer's meters (names start with {@code simstream.indexer}) plus the JVM and process meters.
 * Latencies are histograms with buckets, so Prometheus can sum them over pods before taking quantiles.
 */
public final class IndexerMetrics implements AutoCloseable {
  private static final String PREFIX = "simstream.indexer.";
  private static final String RUN_TAG = "run";
  private static final String TASK_TAG = "task";
  /** Bulk actions, as Elasticsearch names them. */
  public static final String INDEX = "index";
  public static final String DELETE = "delete";
  /** Scopes of {@link #bulkFailed}: a bulk request that failed whole, a run's index Elasticsearch refuses. */
  public static final String REQUEST_FAILED = "request";
  public static final String INDEX_REFUSED = "index_refused";

  private final MeterRegistry registry;
  private final RuntimeMetrics runtime;
  private final Timer bulkLatency;
  private final Timer embedLatency;
  private final Counter embeddedImages;
  private final Timer flushLatency;
  private final DistributionSummary flushSamples;
  private final DistributionSummary flushWrites;
  private final Counter versionConflicts;
  private final Counter bulkRetried;
  private final Map<String, Counter> documentsWritten;
  /** Registered up front, like {@link #documentsWritten}: the failures panel and alert read 0, not "no data". */
  private final Map<String, Counter> bulkFailures;
  private final Map<GaugeKey, RunGauge> runGauges = new ConcurrentHashMap<>();
  private final LongSupplier nanoClock;
  /** Guarded by this, with {@link #bulkIdleNanos} and {@link #idleSinceNanos}. */
  private int bulksInFlight;
  private long bulkIdleNanos;
  private long idleSinceNanos;

  /** A per-run gauge's identity: its name and all its tags (the run among them). */
  private record GaugeKey(String name, String runId, Tags tags) {
  }

  private record RunGauge(Gauge gauge, AtomicLong value) {
  }

  public IndexerMetrics(MeterRegistry registry) {
    this(registry, System::nanoTime);
  }

  IndexerMetrics(MeterRegistry registry, LongSupplier nanoClock) {
    this.registry = registry;
    this.nanoClock = nanoClock;
    this.idleSinceNanos = nanoClock.getAsLong();
    this.runtime = RuntimeMetrics.bindTo(registry);
    this.bulkLatency = latency("bulk.latency", "Duration of one bulk request");
    this.embedLatency = latency("embed.latency",
        "Duration of one embedding call: a flush's or backfill chunk's images for one model");
    this.embeddedImages = Counter.builder(PREFIX + "embedded.images").description("Images (or patches) embedded")
        .register(registry);
    this.flushLatency = latency("flush.latency", "Duration of one flush of pending changes");
    this.flushSamples = DistributionSummary.builder(PREFIX + "flush.samples").description("Samples per flush")
        .register(registry);
    this.flushWrites = DistributionSummary.builder(PREFIX + "flush.writes").description("Document writes per flush")
        .register(registry);
    this.versionConflicts = Counter.builder(PREFIX + "version.conflicts")
        .description("Writes Elasticsearch already had in this or a newer version (409)").register(registry);
    this.bulkRetried = Counter.builder(PREFIX + "bulk.retried").description("Writes sent again after a failure")
        .register(registry);
    // Registered up front so the dashboard shows 0, not "no data", before the first write.
    this.documentsWritten = Map.of(INDEX, documentsWritten(INDEX), DELETE, documentsWritten(DELETE));
    this.bulkFailures = Map.of(REQUEST_FAILED, bulkFailures(REQUEST_FAILED), INDEX_REFUSED, bulkFailures(INDEX_REFUSED));
    Gauge.builder(PREFIX + "bulk.in_flight", this, IndexerMetrics::bulksInFlight)
        .description("Bulk requests sent and not yet answered").register(registry);
    // With a backlog, time with nothing in flight is time Elasticsearch had no work from this instance.
    FunctionCounter.builder(PREFIX + "bulk.idle", this, IndexerMetrics::bulkIdleSeconds).baseUnit("seconds")
        .description("Time with no bulk request in flight").register(registry);
  }

  /** Meters kept in memory only, for tests and tools. */
  public static IndexerMetrics inMemory() {
    return new IndexerMetrics(new SimpleMeterRegistry());
  }

  public MeterRegistry registry() {
    return registry;
  }

  public void eventIn(String type) {
    Counter.builder(PREFIX + "events.in").description("Change events consumed, by type").tag("type", type)
        .register(registry).increment();
  }

  /** Documents Elasticsearch took, by bulk action ({@link #INDEX} or {@link #DELETE}). */
  public void documentsWritten(String action, int count) {
    documentsWritten.get(action).increment(count);
  }

  public void deadLetter(String kind) {
    Counter.builder(PREFIX + "dead.letters").description("Records sent to the dead-letter topic, by reason")
        .tag("kind", kind).register(registry).increment();
  }

  public void flushed(int samples, int writes, long nanos) {
    flushSamples.record(samples);
    flushWrites.record(writes);
    flushLatency.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** A bulk request went out; {@link #bulkAnswered} follows once it succeeded or failed. */
  public synchronized void bulkSent() {
    if (bulksInFlight++ == 0) {
      bulkIdleNanos += nanoClock.getAsLong() - idleSinceNanos;
    }
  }

  public synchronized void bulkAnswered() {
    if (--bulksInFlight == 0) {
      idleSinceNanos = nanoClock.getAsLong();
    }
  }

  private synchronized double bulksInFlight() {
    return bulksInFlight;
  }

  private synchronized double bulkIdleSeconds() {
    long idle = bulksInFlight == 0 ? bulkIdleNanos + nanoClock.getAsLong() - idleSinceNanos : bulkIdleNanos;
    return idle / 1e9;
  }

  public void bulkLatency(long nanos) {
    bulkLatency.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** @param scope {@link #REQUEST_FAILED} or {@link #INDEX_REFUSED} */
  public void bulkFailed(String scope) {
    bulkFailures.get(scope).increment();
  }

  private Counter bulkFailures(String scope) {
    return Counter.builder(PREFIX + "bulk.failures").description("Bulk requests that failed as a whole")
        .tag("scope", scope).register(registry);
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

  /** Images or patch crops in one embedding call: the throughput the latency alone does not show. */
  public void embeddedImages(int count) {
    embeddedImages.increment(count);
  }

  /** Samples written so far by one task's backfill of a run. */
  public void backfillProgress(String runId, String task, long samples) {
    runGauge("backfill.samples", "Samples a task's backfill of a run has written", runId, samples, TASK_TAG, task);
  }

  /** Samples one task's backfill of a run has to write in all, so progress reads as a fraction. */
  public void backfillTotal(String runId, String task, long samples) {
    // Not "backfill.total": the Prometheus naming drops a "_total" suffix from gauges.
    runGauge("backfill.expected", "Samples a task's backfill of a run writes in all", runId, samples, TASK_TAG, task);
  }

  /** Documents in a run's index, from a periodic _count. */
  public void indexSize(String runId, String index, long documents) {
    runGauge("index.documents", "Documents in a run's index (periodic _count)", runId, documents, "index", index);
  }

  /** Drops the gauges of runs not in {@code runIds} (deleted runs), so they stop being exported. */
  public void retainRuns(Collection<String> runIds) {
    Set<String> keep = Set.copyOf(runIds);
    runGauges.entrySet().removeIf(entry -> {
      if (keep.contains(entry.getKey().runId())) {
        return false;
      }
      registry.remove(entry.getValue().gauge());
      return true;
    });
  }

  /**
   * Drops the gauges of a task that leaves this instance: its next owner reports its own, and a stale
   * total left here would read as a backfill that never ends (the stalled-backfill alert).
   */
  public void forgetTask(String task) {
    runGauges.entrySet().removeIf(entry -> {
      if (entry.getKey().tags().stream().noneMatch(tag -> tag.getKey().equals(TASK_TAG) && tag.getValue().equals(task))) {
        return false;
      }
      registry.remove(entry.getValue().gauge());
      return true;
    });
  }

  private Counter documentsWritten(String action) {
    return Counter.builder(PREFIX + "documents.written").description("Documents Elasticsearch took, by bulk action")
        .tag("action", action).register(registry);
  }

  private Timer latency(String name, String description) {
    return Timer.builder(PREFIX + name).description(description).publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(1)).register(registry);
  }

  // A description becomes the HELP line; promtool check metrics wants one on every family.
  private void runGauge(String name, String description, String runId, long value, String tagKey, String tagValue) {
    Tags tags = Tags.of(RUN_TAG, runId, tagKey, tagValue);
    runGauges.computeIfAbsent(new GaugeKey(name, runId, tags), key -> {
      AtomicLong holder = new AtomicLong();
      Gauge gauge = Gauge.builder(PREFIX + name, holder, AtomicLong::doubleValue).description(description).tags(tags)
          .register(registry);
      return new RunGauge(gauge, holder);
    }).value().set(value);
  }

  @Override
  public void close() {
    runtime.close();
  }
}
