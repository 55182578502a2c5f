package io.simstream.bench;

import io.simstream.config.Settings;
import io.simstream.elasticsearch.IndexMapping;
import io.simstream.elasticsearch.VectorFieldSpec;
import io.simstream.run.Metric;
import io.simstream.run.SimilarityRun;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Case 1: events per second from Kafka through the indexer until searchable, against a raw bulk
 * loader pushing the same 512-d vectors straight into an identically built index.
 */
final class IngestCase implements BenchCase {
  static final String NAME = "ingest";
  static final int DIMS = 512;
  static final double TARGET_RATIO = 0.9;
  private static final Duration TIMEOUT = Duration.ofMinutes(10);
  private static final int WARM_UP_VECTORS = 20_000;
  /** Raw warm-up loads of the first index type: 300,000 vectors at full scale, where the rate stopped rising. */
  private static final int WARM_UP_ROUNDS = 15;
  /**
   * Warm-up drains through the indexer. After one, the JIT still compiled through the measured drain: its
   * compiler threads took more of the JVM's CPU than the stream thread (187-347 against 64-81 ms per 1,000
   * vectors, ThreadMXBean), and the drain's rate varied twofold between runs of the same code. After four,
   * JFR still showed C2 compiling the flush and the bulk encoding (17 compilations of 0.1-1 s) through it.
   * After ten, the broker's JIT still took 2-3.5 s of CPU a minute through the measured drains (a quarter of the
   * CPU it shares with the indexer), and only settled a minute later.
   */
  private static final int WARM_UP_DRAINS = 20;
  /** Measured drains per index type; the median is the figure, as the rate still varies between drains. */
  private static final int MEASURED_DRAINS = 3;
  /** Raw warm-up loads of each further index type, whose own code (an HNSW graph) the first did not run. */
  private static final int WARM_UP_ROUNDS_MORE = 2;

  /** The default index type's drain figure, with the raw bulk loader as its ceiling. */
  static String ceilingFigureName() {
    return drainFigureName(IndexMapping.DEFAULT_INDEX_OPTIONS);
  }

  private static String drainFigureName(String options) {
    return "ingest " + options + ", backlog drain";
  }

  private static String producingIncludedFigureName(String options) {
    return "ingest " + options + ", producing included";
  }

  static Figure drainFigure(String options, double perSecond, double ceiling) {
    return Figure.throughput(drainFigureName(options), "vectors/s", perSecond, "raw bulk loader", ceiling,
        TARGET_RATIO);
  }

  static Figure producingIncludedFigure(String options, double perSecond, double ceiling) {
    return new Figure(producingIncludedFigureName(options), Figure.Kind.THROUGHPUT, "vectors/s", perSecond,
        "raw bulk loader", ceiling, perSecond / ceiling, null, null, false);
  }

  /**
   * The rate the latency case may count on, from this case's figures: the slowest of the default index type's
   * drain, its raw ceiling and its load with producing included, as the latency case's producer shares the
   * pipeline's CPU too. Half of a drain the producer could not keep up with was an overload, not a latency.
   */
  static Optional<Double> sustainableRate(CaseResult ingest) {
    String options = IndexMapping.DEFAULT_INDEX_OPTIONS;
    Set<String> names = Set.of(drainFigureName(options), producingIncludedFigureName(options));
    return ingest.figures().stream().filter(f -> names.contains(f.name()))
        .map(f -> Math.min(f.value(), f.ceiling()))
        .min(Double::compare);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public CaseResult run(BenchStack stack, Scale scale) throws Exception {
    DirectElasticsearch es = stack.es();
    RawBulkLoader raw = new RawBulkLoader(es);
    // A load of each path first, so that no measurement pays for JIT warm-up. Elasticsearch's took far
    // longer than one load: the raw loader's rate kept rising from 4,400 to 9,300 vectors/s over the first
    // 300,000 vectors (int8_flat, one CPU). The indexer's too (see WARM_UP_DRAINS).
    // The last warm-up drain takes all of them, the others the first WARM_UP_VECTORS (see below).
    List<float[]> measuredSizeVectors = new VectorGenerator(7, DIMS).gaussian(scale.ingestVectors());
    List<float[]> warmUpVectors = measuredSizeVectors.subList(0, Math.min(WARM_UP_VECTORS, scale.ingestVectors()));
    for (String options : scale.ingestOptions()) {
      warmUpElasticsearch(stack, raw, options, warmUpVectors,
          options.equals(scale.ingestOptions().get(0)) ? WARM_UP_ROUNDS : WARM_UP_ROUNDS_MORE);
    }
    viaPipeline(stack, IndexMapping.DEFAULT_INDEX_OPTIONS, warmUpVectors, false, Pipeline::ingest);
    // The last drain is as large as a measured one: only its deeper backlog takes some of the outbox's branches
    // (a task overflowing, the wait for room), and their first use deoptimized and recompiled the outbox's
    // methods inside a measured drain.
    for (int drain = 1; drain <= WARM_UP_DRAINS; drain++) {
      // Sampled as the measured drains are: the sampler's requests go through the HTTP client the indexer writes
      // with, and a measured drain must not be the first to run (and compile) that mix.
      Pipeline.Measured warmUp = viaPipeline(stack, IndexMapping.DEFAULT_INDEX_OPTIONS,
          drain == WARM_UP_DRAINS ? measuredSizeVectors : warmUpVectors, true, Pipeline::drain);
      System.out.printf("  warm-up drain %d of %d: %.0f vectors/s; %s; broker's cleaner passes begun %s%n"
          + "    threads %s%n", drain, WARM_UP_DRAINS, warmUp.perSecond(), warmUp.writes(), warmUp.cleanerPasses(),
          warmUp.threads());
    }

    List<Figure> figures = new ArrayList<>();
    for (String options : scale.ingestOptions()) {
      List<float[]> vectors = new VectorGenerator(1, DIMS).gaussian(scale.ingestVectors());
      // Raw loads and drains alternate, so that each drain is judged against Elasticsearch as it was around it:
      // its speed moved 1.6x between runs and its per-load cost is bimodal (docs/bench.md, bulk-form case).
      List<Raw> raws = new ArrayList<>(List.of(rawLoad(stack, raw, options, vectors)));
      List<Paired> pairs = new ArrayList<>();
      for (int i = 0; i < MEASURED_DRAINS; i++) {
        Pipeline.Measured measured = viaPipeline(stack, options, vectors, true, Pipeline::drain);
        raws.add(rawLoad(stack, raw, options, vectors));
        // The faster raw load beside the drain is its ceiling: whatever warming or slowing happened, not in our favour.
        Raw before = raws.get(i);
        Raw after = raws.get(i + 1);
        pairs.add(new Paired(measured, before.perSecond() >= after.perSecond() ? before : after));
      }
      System.out.printf("ingest %s: measured drains / their ceilings %s vectors/s; the median ratio is the figure%n",
          options, pairs.stream().map(p -> String.format(Locale.ROOT, "%.0f / %.0f = %.2f", p.drain().perSecond(),
              p.ceiling().perSecond(), p.ratio())).toList());
      System.out.printf("  the broker's log cleaner passes begun in each measured drain: %s%n",
          pairs.stream().map(p -> p.drain().cleanerPasses().size()).toList());
      pairs.sort(Comparator.comparingDouble(Paired::ratio));
      Paired median = pairs.get(pairs.size() / 2);
      Pipeline.Measured drain = median.drain();
      Raw ceiling = median.ceiling();
      Pipeline.Measured live = viaPipeline(stack, options, vectors, false, Pipeline::ingest);
      double endToEnd = live.perSecond();
      figures.add(drainFigure(options, drain.perSecond(), ceiling.perSecond()));
      figures.add(producingIncludedFigure(options, endToEnd, ceiling.perSecond()));
      figures.addAll(StackCpu.figures("CPU ms per 1,000 vectors, " + options + ", backlog drain", drain.cpuMillis(),
          vectors.size()));
      figures.addAll(StackCpu.figures("CPU ms per 1,000 vectors, " + options + ", raw bulk loader", ceiling.cpuMillis(),
          vectors.size()));
      System.out.printf("ingest %s: backlog drain %.0f vectors/s, raw beside it %.0f (raw loads %s); producing"
          + " included %.0f; ratios %.2f and %.2f%n", options, drain.perSecond(), ceiling.perSecond(),
          raws.stream().map(r -> String.format(Locale.ROOT, "%.0f", r.perSecond())).toList(), endToEnd,
          drain.perSecond() / ceiling.perSecond(), endToEnd / ceiling.perSecond());
      System.out.printf("  CPU ms per 1,000 vectors: backlog drain %s; raw bulk loader %s%n",
          StackCpu.perThousand(drain.cpuMillis(), vectors.size()),
          StackCpu.perThousand(ceiling.cpuMillis(), vectors.size()));
      System.out.printf("  Elasticsearch's thread pools' CPU ms per 1,000 vectors: backlog drain %s; raw bulk loader %s%n",
          drain.elasticsearchThreads(), ceiling.elasticsearchThreads());
      System.out.printf("  CPUs busy: backlog drain %s; raw bulk loader %s%n", drain.cpusBusy(), ceiling.cpusBusy());
      System.out.printf("  the indexer during the drain: %s%n", drain.writes());
      System.out.printf("  bench JVM threads' CPU ms per 1,000 vectors during the drain, %s%n", drain.threads());
      System.out.printf("  producing included: CPU ms per 1,000 vectors %s; the indexer: %s%n",
          StackCpu.perThousand(live.cpuMillis(), vectors.size()), live.writes());
      System.out.printf("  bench JVM threads' CPU ms per 1,000 vectors producing included, %s%n", live.threads());
    }
    return new CaseResult(NAME, "Ingest of precomputed 512-d vectors (events/s until searchable)", figures, List.of(
        scale.ingestVectors() + " random 512-d vectors, cosine, per path; default index options "
            + IndexMapping.DEFAULT_INDEX_OPTIONS + " (IndexMapping.DEFAULT_INDEX_OPTIONS), refresh_interval 1s",
        "backlog drain (the target's figure): the indexer is paused while pre-encoded sample_added events are sent"
            + " to Kafka, then timed from its resumption until _count reaches N; " + MEASURED_DRAINS
            + " drains, each between two raw loads and judged against the faster of them; the drain with the median"
            + " ratio is the figure; producing included: the same"
            + " events sent to a running indexer after the drains, timed from the first send, against the median"
            + " drain's ceiling (the producer and the broker then take CPU beside the indexer and, unless"
            + " --elasticsearch-cpus splits them, Elasticsearch)",
        "before the measurements, untimed: " + WARM_UP_ROUNDS + " raw loads of " + WARM_UP_VECTORS + " vectors"
            + " (fewer at small scales) into the first index type and " + WARM_UP_ROUNDS_MORE + " into each other,"
            + " then a live load and " + WARM_UP_DRAINS + " drains through the indexer, the last as large as a"
            + " measured one: JIT warm-up of"
            + " Elasticsearch and of the indexer",
        "the indexer's defaults: batch " + Settings.INDEXER_BATCH_SIZE.defaultValue() + ", max wait "
            + Settings.INDEXER_BATCH_MAX_WAIT_MS.defaultValue() + " ms, bulk "
            + Settings.INDEXER_BULK_MAX_ACTIONS.defaultValue() + " actions, "
            + Settings.INDEXER_BULK_MAX_IN_FLIGHT.defaultValue() + " batches in flight per task, "
            + Settings.TOPIC_PARTITIONS.defaultValue() + " partitions = tasks",
        "ceiling: the same vectors bulk-loaded straight into an index with the same mapping, "
            + RawBulkLoader.BULK_SIZE + " per bulk, " + RawBulkLoader.IN_FLIGHT
            + " bulks in flight, timed until _count reaches N (polled from the first bulk on, as during a drain),"
            + " before the first drain and after each: a drain's"
            + " ceiling is the faster raw load beside it; both paths send vectors in the form the indexer"
            + " chose for this cluster (" + es.vectorEncoding() + ")"));
  }

  /** A raw load's rate until searchable and the stack's CPU meanwhile. */
  private record Raw(double perSecond, Map<String, Double> cpuMillis, String elasticsearchThreads, String cpusBusy) {
  }

  /** A measured drain and the faster of the raw loads just before and just after it. */
  private record Paired(Pipeline.Measured drain, Raw ceiling) {
    double ratio() {
      return drain.perSecond() / ceiling.perSecond();
    }
  }

  private static Raw rawLoad(BenchStack stack, RawBulkLoader raw, String options, List<float[]> vectors)
      throws Exception {
    String index = stack.uniqueName("bench-raw");
    Map<String, Double> cpuBefore = stack.cpu().millis();
    CpuBusy.Reading cpusBefore = CpuBusy.read();
    try (ElasticsearchThreadCpu elasticsearchThreads = ElasticsearchThreadCpu.start(stack.es())) {
      double perSecond = raw.load(index, spec(options), vectors, TIMEOUT);
      Map<String, Double> cpu = StackCpu.between(cpuBefore, stack.cpu().millis());
      String cpusBusy = CpuBusy.describe(cpusBefore, CpuBusy.read(), stack.cpuSplit());
      String threads = elasticsearchThreads.stop(vectors.size());
      System.out.printf("  raw load %.0f vectors/s, its index: %s%n", perSecond, stack.es().indexStats(index));
      stack.es().deleteIndex(index);
      return new Raw(perSecond, cpu, threads, cpusBusy);
    }
  }

  /** Raw loads of the warm-up vectors, each one's rate printed (timed until acknowledged), so the curve can be read. */
  private static void warmUpElasticsearch(BenchStack stack, RawBulkLoader raw, String options, List<float[]> vectors,
                                          int rounds) throws Exception {
    List<String> ids = RawBulkLoader.ids(vectors.size());
    for (int round = 1; round <= rounds; round++) {
      String index = stack.uniqueName("bench-warmup");
      stack.es().createIndex(index, spec(options));
      long start = System.nanoTime();
      raw.fill(index, ids, vectors);
      double perSecond = vectors.size() / ((System.nanoTime() - start) / 1e9);
      stack.es().deleteIndex(index);
      System.out.printf("  warm-up %s, raw load %d of %d: %.0f vectors/s acknowledged%n", options, round, rounds,
          perSecond);
    }
  }

  /** How the pipeline is timed: {@link Pipeline#drain} or {@link Pipeline#ingest}. */
  private interface Timing<T> {
    T measure(Pipeline pipeline, String index, List<SampleEvents.Encoded> events, long expectedTotal,
              Duration timeout);
  }

  /** {@code samplePools}: whether Elasticsearch's thread pools are sampled, as for the drains whose pools are printed. */
  private static <T> T viaPipeline(BenchStack stack, String options, List<float[]> vectors, boolean samplePools,
                                   Timing<T> timing) {
    String dataset = stack.uniqueName("ingest");
    stack.api().registerDataset(dataset);
    String index = stack.api().createRun(dataset, "vec", SimilarityRun.PRECOMPUTED, DIMS, options);
    Pipeline pipeline = new Pipeline(stack, samplePools);
    pipeline.prime(index, SampleEvents.withVector(dataset, "prime", vectors.get(0)), TIMEOUT);
    List<SampleEvents.Encoded> events = new ArrayList<>(vectors.size());
    for (int i = 0; i < vectors.size(); i++) {
      events.add(SampleEvents.withVector(dataset, SampleEvents.sampleId("s", i), vectors.get(i)));
    }
    T measured = timing.measure(pipeline, index, events, vectors.size() + 1L, TIMEOUT);
    if (samplePools) {
      System.out.printf("  measured drain's index: %s%n", stack.es().indexStats(index));
    }
    stack.dropRun(dataset, "vec", index);
    return measured;
  }

  static VectorFieldSpec spec(String options) {
    return new VectorFieldSpec(Metric.COSINE, DIMS, options);
  }
}
