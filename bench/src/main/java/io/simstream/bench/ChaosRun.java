package io.simstream.bench;

import io.simstream.api.QueryApi;
import io.simstream.config.Settings;
import io.simstream.config.SimstreamConfig;
import io.simstream.kafka.ChangeEventProducer;
import io.simstream.kafka.Topics;
import io.simstream.run.Metric;
import io.simstream.run.SimilarityRun;
import io.simstream.run.VectorMath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.stream.Stream;

/**
 * One execution of the chaos case: a child indexer fed a random history at a steady rate while the
 * phases' disruptions happen, and after each phase a wait until every run's index equals the dataset.
 * Holds what was measured for {@link ChaosCase} to turn into figures.
 */
final class ChaosRun implements AutoCloseable {
  static final int DIMS = 64;
  static final String DATASET = "chaos";
  /** Restarts that never write within this long count as this long (and are noted). */
  static final Duration FIRST_WRITE_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration LAG_TIMEOUT = Duration.ofMinutes(2);
  private static final List<String> INDEXER_JVM = List.of("-Xmx512m", "-XX:+ExitOnOutOfMemoryError");
  private final List<String> indexerJvm;
  private static final long HISTORY_SEED = 23;
  private static final long TIMING_SEED = 29;

  /** A run of the dataset under test; two metrics, since a normalising one writes other vectors. */
  record RunUnderTest(String brainKey, Metric metric, String indexOptions, String index) {
  }

  /** What one phase left: its changes, and each run's index against the dataset once it converged (or gave up). */
  record PhaseResult(ChaosPhase phase, int events, Map<String, IndexDiff> perRun, double convergeSeconds,
                     boolean converged) {
    IndexDiff total() {
      return perRun.values().stream().reduce(IndexDiff.NONE, IndexDiff::plus);
    }
  }

  private final ChaosServers servers;
  private final Scale.Chaos scale;
  private final SimstreamConfig config;
  private final Path workDir;
  private final String prefix;
  private final DirectElasticsearch es;
  private final boolean vectorsLeftOutOfSource;
  private final ChangeEventProducer producer;
  private final RandomChanges history;
  private final Random timing = new Random(TIMING_SEED);
  private final List<RunUnderTest> runs = new ArrayList<>();
  private ChildIndexer primary;
  private ChildIndexer secondary;
  private int generation;

  final List<Double> restartToFirstWriteMs = new ArrayList<>();
  final List<PhaseResult> phases = new ArrayList<>();
  /** Figures of single events (cold start, recovery after a server restart, takeover), in ms. */
  final Map<String, Double> recoveries = new LinkedHashMap<>();
  final List<String> incidents = new ArrayList<>();
  final List<Path> indexerLogs = new ArrayList<>();
  int unexpectedExits;

  ChaosRun(ChaosServers servers, Scale.Chaos scale, SimstreamConfig config, Path workDir, String prefix,
           String esVersion, IndexerClassArchive classArchive) {
    this.indexerJvm = Stream.concat(INDEXER_JVM.stream(), classArchive.jvmOptions().stream()).toList();
    this.servers = servers;
    this.scale = scale;
    this.config = config;
    this.workDir = workDir;
    this.prefix = prefix;
    this.es = new DirectElasticsearch(servers.elasticsearchUrl());
    this.vectorsLeftOutOfSource = !esVersion.startsWith("8.");
    this.producer = new ChangeEventProducer(config.kafkaClientProperties(), Topics.from(config).changes());
    this.history = new RandomChanges(DATASET, HISTORY_SEED, scale.samples(), DIMS);
  }

  List<RunUnderTest> runs() {
    return runs;
  }

  void execute() throws Exception {
    createRuns();
    primary = startIndexer("a");
    PacedProducer paced = PacedProducer.start(producer, history, scale.eventsPerSecond());
    recoveries.put("cold start to first write", firstWriteMs(primary, "cold start"));
    for (ChaosPhase phase : scale.phases()) {
      if (paced == null) {
        paced = PacedProducer.start(producer, history, scale.eventsPerSecond());
      }
      disrupt(phase);
      int events = paced.stop();
      paced = null;
      phases.add(converge(phase, events));
    }
  }

  private void createRuns() {
    try (QueryApi api = QueryApi.start(config)) {
      ApiClient client = new ApiClient("http://127.0.0.1:" + api.port());
      client.registerDataset(DATASET);
      for (RunUnderTest run : List.of(new RunUnderTest("cos", Metric.COSINE, "int8_hnsw", null),
          new RunUnderTest("dot", Metric.DOTPRODUCT, "flat", null))) {
        String index = client.createRun(DATASET, run.brainKey(), SimilarityRun.PRECOMPUTED, run.metric(), DIMS,
            run.indexOptions());
        runs.add(new RunUnderTest(run.brainKey(), run.metric(), run.indexOptions(), index));
      }
    }
  }

  private void disrupt(ChaosPhase phase) throws IOException {
    switch (phase) {
      case KILLS -> {
        for (int k = 1; k <= scale.kills(); k++) {
          pause(500, 4_000);
          primary = replaceIfDead(primary, "a");
          primary.kill();
          primary = startIndexer("a");
          restartToFirstWriteMs.add(firstWriteMs(primary, "restart " + k));
        }
      }
      case ELASTICSEARCH_RESTART -> {
        pause(1_000, 3_000);
        long down = System.nanoTime();
        servers.stopElasticsearch();
        long before = written(primary);
        servers.startElasticsearch();
        recoveries.put("Elasticsearch restart: down", millisSince(down));
        recoveries.put("Elasticsearch restart: back to first write", nextWriteMs(primary, before, "after the "
            + "Elasticsearch restart"));
        pause(1_000, 3_000);
      }
      case BROKER_RESTART -> {
        pause(1_000, 3_000);
        long down = System.nanoTime();
        servers.stopBroker();
        servers.startBroker();
        recoveries.put("broker restart: down", millisSince(down));
        recoveries.put("broker restart: back to first write", nextWriteMs(primary, written(primary),
            "after the broker restart"));
        pause(1_000, 3_000);
      }
      case TWO_INSTANCES -> {
        primary = replaceIfDead(primary, "a");
        secondary = startIndexer("b");
        awaitAdmin(secondary);
        pause(3_000, 6_000);
        long before = written(secondary);
        incidents.add("two-instances: the second instance had written " + before
            + " documents when the first was killed");
        primary.kill();
        primary = null;
        recoveries.put("two instances: kill to survivor's next write", nextWriteMs(secondary, before,
            "by the surviving instance"));
        pause(1_000, 3_000);
      }
      default -> throw new IllegalArgumentException("no disruption for " + phase);
    }
  }

  /**
   * Waits until every run's index equals the dataset, then until the indexer has committed every
   * change, and compares once more: a late write (a ghost resurrected by a replay) shows up there.
   */
  private PhaseResult converge(ChaosPhase phase, int events) throws Exception {
    Map<String, float[]> expected = history.expected();
    long start = System.nanoTime();
    long deadline = start + scale.convergeTimeout().toNanos();
    Map<String, IndexDiff> diffs = null;
    RuntimeException lastError = null;
    while (true) {
      keepIndexersAlive();
      try {
        diffs = compare(expected);
        lastError = null;
        if (diffs.values().stream().allMatch(IndexDiff::exact)) {
          break;
        }
      } catch (RuntimeException e) {
        lastError = e;
      }
      if (System.nanoTime() > deadline) {
        break;
      }
      Searchable.sleep(1_000);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (diffs == null) {
      throw new IllegalStateException("could not read the indexes after " + phase.label(), lastError);
    }
    boolean converged = diffs.values().stream().allMatch(IndexDiff::exact);
    if (converged) {
      try {
        ConsumerLag.awaitCaughtUp(servers.bootstrapServers(), config.get(Settings.INDEXER_APPLICATION_ID),
            config.get(Settings.TOPIC_CHANGES), LAG_TIMEOUT);
      } catch (IllegalStateException lagging) {
        incidents.add(phase.label() + ": equal to the dataset, but " + lagging.getMessage());
      }
      diffs = compare(expected);
      converged = diffs.values().stream().allMatch(IndexDiff::exact);
    }
    return new PhaseResult(phase, events, diffs, seconds, converged);
  }

  private Map<String, IndexDiff> compare(Map<String, float[]> expected) {
    Map<String, IndexDiff> diffs = new LinkedHashMap<>();
    for (RunUnderTest run : runs) {
      Map<String, float[]> want = new LinkedHashMap<>();
      expected.forEach((id, vector) -> want.put(id, run.metric().normalizesVectors()
          ? VectorMath.normalized(vector) : vector));
      diffs.put(run.brainKey(), IndexDiff.of(want, IndexedVectors.read(es, run.index(), vectorsLeftOutOfSource)));
    }
    return diffs;
  }

  private ChildIndexer startIndexer(String instance) {
    generation++;
    try {
      Path stateDir = Files.createDirectories(workDir.resolve(prefix + "-state-" + instance));
      Path log = workDir.resolve(prefix + "-indexer-" + instance + "-" + generation + ".log");
      indexerLogs.add(log);
      // A restarted instance keeps its id, as a pod keeps its name: static membership, no rebalance wait.
      return ChildIndexer.start(config.with(Map.of(Settings.INDEXER_STATE_DIR, stateDir.toString(),
          Settings.INDEXER_INSTANCE_ID, prefix + "-" + instance)), indexerJvm, log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An indexer that died without being killed is an incident; a new one takes its place so the run goes on. */
  private ChildIndexer replaceIfDead(ChildIndexer indexer, String instance) {
    if (indexer == null || indexer.isAlive()) {
      return indexer;
    }
    unexpectedExits++;
    incidents.add("indexer " + instance + " exited on its own, log " + indexer.logFile());
    return startIndexer(instance);
  }

  private void keepIndexersAlive() {
    primary = replaceIfDead(primary, "a");
    secondary = replaceIfDead(secondary, "b");
  }

  private double firstWriteMs(ChildIndexer indexer, String what) {
    OptionalLong at = indexer.awaitWritesBeyond(0, FIRST_WRITE_TIMEOUT);
    if (at.isEmpty()) {
      incidents.add(what + ": no write within " + FIRST_WRITE_TIMEOUT.toSeconds() + " s (counted as that)"
          + (indexer.isAlive() ? "" : ", the indexer died") + ", log " + indexer.logFile());
      return FIRST_WRITE_TIMEOUT.toMillis();
    }
    double ms = (at.getAsLong() - indexer.startedNanos()) / 1e6;
    System.out.printf("chaos: %s: first write %.0f ms after launch (log %s)%n", what, ms, indexer.logFile());
    return ms;
  }

  /** Recoveries are waited for as long as convergence: a slow takeover is a finding, not a cut-off. */
  private double nextWriteMs(ChildIndexer indexer, long baseline, String what) {
    long from = System.nanoTime();
    OptionalLong at = indexer.awaitWritesBeyond(baseline, scale.convergeTimeout());
    if (at.isEmpty()) {
      incidents.add("no write " + what + " within " + scale.convergeTimeout().toSeconds() + " s (counted as that)");
      return scale.convergeTimeout().toMillis();
    }
    return (at.getAsLong() - from) / 1e6;
  }

  /** Documents written by {@code indexer} so far; 0 while its admin server is not up. */
  private static long written(ChildIndexer indexer) {
    return indexer.documentsWritten().orElse(0);
  }

  private static void awaitAdmin(ChildIndexer indexer) {
    long deadline = System.nanoTime() + FIRST_WRITE_TIMEOUT.toNanos();
    while (indexer.documentsWritten().isEmpty() && System.nanoTime() < deadline && indexer.isAlive()) {
      Searchable.sleep(100);
    }
  }

  /** A random moment: the disruptions must not fall in step with the indexer's flushes and commits. */
  private void pause(int minMs, int maxMs) {
    Searchable.sleep(minMs + timing.nextInt(maxMs - minMs));
  }

  private static double millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1e6;
  }

  @Override
  public void close() throws IOException {
    for (ChildIndexer indexer : new ChildIndexer[] {primary, secondary}) {
      if (indexer != null) {
        indexer.stop();
      }
    }
    producer.close();
    es.close();
  }
}
