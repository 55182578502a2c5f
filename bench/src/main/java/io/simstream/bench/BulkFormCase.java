package io.simstream.bench;

import io.simstream.config.Settings;
import io.simstream.elasticsearch.IndexMapping;
import io.simstream.event.SampleKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.common.utils.Utils;

/**
 * What the indexer's bulk form costs Elasticsearch: the same vectors loaded straight into an index of the
 * default options, with the actions the ceilings send (plain), with each part the indexer adds (external
 * versions; the write alias with {@code require_alias}; a response filtered to the items' outcomes), with
 * all three (the indexer's form), with it at other bulk sizes, with the ids in the order the indexer's tasks
 * deliver them, plain at the indexer's drain rate and, when
 * Elasticsearch has CPUs of its own, plain with the pipeline's CPUs kept busy by a {@link NeighbourLoad};
 * then the idle stack's cost per second. Elasticsearch's CPU per 1,000 vectors is the steady figure; the
 * rate until searchable goes beside it. The forms take turns within each round, so drift over the run
 * spreads over all of them.
 */
final class BulkFormCase implements BenchCase {
  static final String NAME = "bulk-form";
  private static final Duration TIMEOUT = Duration.ofMinutes(10);
  /** How long the idle stack is watched: Elasticsearch's CPU per second when nothing is written. */
  private static final Duration IDLE = Duration.ofSeconds(10);

  /**
   * The int8_flat drain's rate in the eighth look (docs/bench.md): Elasticsearch's CPU per document at that
   * rate says how much of the drain's higher cost is the slower delivery rather than the bulks themselves.
   */
  private static final double DRAIN_RATE = 7_000;
  /** The dataset of the keys that place the partitioned variants' ids. */
  private static final String PARTITIONED_DATASET = "ingest";

  /**
   * @param perSecond the pace of the bulks; 0 sends them as fast as Elasticsearch acknowledges
   * @param neighbour what runs on the pipeline's CPUs meanwhile
   * @param partitioned whether the ids come as the indexer's tasks deliver them ({@link #inPartitionOrder})
   */
  record Variant(String name, BulkBodies.Form form, int bulkSize, double perSecond, NeighbourLoad.Kind neighbour,
                 boolean partitioned) {
    Variant(String name, BulkBodies.Form form, int bulkSize) {
      this(name, form, bulkSize, 0, NeighbourLoad.Kind.NONE, false);
    }

    Variant(String name, BulkBodies.Form form, int bulkSize, double perSecond) {
      this(name, form, bulkSize, perSecond, NeighbourLoad.Kind.NONE, false);
    }

    Variant(String name, BulkBodies.Form form, int bulkSize, double perSecond, NeighbourLoad.Kind neighbour) {
      this(name, form, bulkSize, perSecond, neighbour, false);
    }
  }

  static final List<Variant> VARIANTS = List.of(
      new Variant("plain (the ceilings' form)", BulkBodies.Form.PLAIN, RawBulkLoader.BULK_SIZE),
      new Variant("external version", new BulkBodies.Form(true, false, false), RawBulkLoader.BULK_SIZE),
      new Variant("write alias + require_alias", new BulkBodies.Form(false, true, false), RawBulkLoader.BULK_SIZE),
      new Variant("response filtered to item outcomes", new BulkBodies.Form(false, false, true),
          RawBulkLoader.BULK_SIZE),
      new Variant("the indexer's form", BulkBodies.Form.INDEXER, RawBulkLoader.BULK_SIZE),
      new Variant("the indexer's form, 250 per bulk", BulkBodies.Form.INDEXER, 250),
      new Variant("the indexer's form, 1000 per bulk", BulkBodies.Form.INDEXER, 1000),
      new Variant("plain, ids as the partitions deliver them", BulkBodies.Form.PLAIN, RawBulkLoader.BULK_SIZE, 0,
          NeighbourLoad.Kind.NONE, true),
      new Variant("the indexer's form, ids as the partitions deliver them", BulkBodies.Form.INDEXER,
          RawBulkLoader.BULK_SIZE, 0, NeighbourLoad.Kind.NONE, true),
      new Variant("plain, paced at 7,000/s", BulkBodies.Form.PLAIN, RawBulkLoader.BULK_SIZE, DRAIN_RATE),
      new Variant("plain, pipeline CPUs spinning", BulkBodies.Form.PLAIN, RawBulkLoader.BULK_SIZE, 0,
          NeighbourLoad.Kind.SPIN),
      new Variant("plain, pipeline CPUs streaming memory", BulkBodies.Form.PLAIN, RawBulkLoader.BULK_SIZE, 0,
          NeighbourLoad.Kind.MEMORY),
      new Variant("plain, pipeline CPUs writing files", BulkBodies.Form.PLAIN, RawBulkLoader.BULK_SIZE, 0,
          NeighbourLoad.Kind.DISK));

  /** The variants this stack can run: a neighbour needs CPUs apart from Elasticsearch's, else it would share its. */
  static List<Variant> variants(CpuSplit split) {
    return VARIANTS.stream().filter(v -> v.neighbour() == NeighbourLoad.Kind.NONE || split.elasticsearchCpus() > 0)
        .toList();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public CaseResult run(BenchStack stack, Scale scale) throws Exception {
    RawBulkLoader raw = new RawBulkLoader(stack.es());
    List<float[]> vectors = new VectorGenerator(3, IngestCase.DIMS).gaussian(scale.ingestVectors());
    List<String> ids = RawBulkLoader.ids(vectors.size());
    int warmUpRounds = scale.bulkFormWarmUpRounds();
    int rounds = scale.bulkFormRounds();
    List<Variant> variants = variants(stack.cpuSplit());
    if (variants.size() < VARIANTS.size()) {
      System.out.println("bulk-form: no loads with a busy neighbour: Elasticsearch shares every CPU"
          + " (--elasticsearch-cpus gives it CPUs of its own)");
    }
    for (int round = 1; round <= warmUpRounds; round++) {
      for (Variant variant : variants) {
        Load load = load(stack, raw, variant, ids, vectors);
        System.out.printf("  warm-up %d of %d, %s: %.0f vectors/s, Elasticsearch %.0f ms CPU per 1,000%n", round,
            warmUpRounds, variant.name(), load.perSecond(), load.elasticsearchMsPerThousand());
      }
    }
    Map<Variant, List<Load>> loads = new LinkedHashMap<>();
    variants.forEach(v -> loads.put(v, new ArrayList<>()));
    for (int round = 0; round < rounds; round++) {
      for (int i = 0; i < variants.size(); i++) {
        Variant variant = variants.get((round + i) % variants.size());
        Load load = load(stack, raw, variant, ids, vectors);
        loads.get(variant).add(load);
        System.out.printf("  round %d of %d, %s: %.0f vectors/s, Elasticsearch %.0f ms CPU per 1,000%n", round + 1,
            rounds, variant.name(), load.perSecond(), load.elasticsearchMsPerThousand());
      }
    }

    Map<String, Double> idleBefore = stack.cpu().millis();
    Searchable.sleep(IDLE.toMillis());
    double idlePerSecond = StackCpu.between(idleBefore, stack.cpu().millis())
        .getOrDefault(BenchStack.ELASTICSEARCH, Double.NaN) / IDLE.toSeconds();
    System.out.printf(Locale.ROOT, "bulk-form: Elasticsearch %.0f ms CPU per second with the stack idle%n",
        idlePerSecond);

    List<Figure> figures = new ArrayList<>();
    figures.add(Figure.of("Elasticsearch CPU ms per second, stack idle", Figure.Kind.RESOURCE, "ms", idlePerSecond));
    Variant plain = variants.get(0);
    double plainRate = median(loads.get(plain), Load::perSecond);
    double plainCpu = median(loads.get(plain), Load::elasticsearchMsPerThousand);
    for (Variant variant : variants) {
      double rate = median(loads.get(variant), Load::perSecond);
      double cpu = median(loads.get(variant), Load::elasticsearchMsPerThousand);
      figures.add(new Figure("Elasticsearch CPU ms per 1,000 vectors, " + variant.name(), Figure.Kind.RESOURCE, "ms",
          cpu, "plain", plainCpu, cpu - plainCpu, null, null, false));
      figures.add(new Figure("rate until searchable, " + variant.name(), Figure.Kind.THROUGHPUT, "vectors/s", rate,
          "plain", plainRate, rate / plainRate, null, null, false));
      System.out.printf(Locale.ROOT, "bulk-form %s: Elasticsearch %.0f ms CPU per 1,000 vectors (plain %.0f),"
          + " %.0f vectors/s (plain %.0f); medians of %d%n", variant.name(), cpu, plainCpu, rate, plainRate, rounds);
    }
    return new CaseResult(NAME, "What the indexer's bulk form costs Elasticsearch", figures, List.of(
        scale.ingestVectors() + " random 512-d vectors per load into a new " + IndexMapping.DEFAULT_INDEX_OPTIONS
            + " index (cosine) created with its write alias, " + RawBulkLoader.IN_FLIGHT + " bulks in flight,"
            + " timed until _count reaches N; vectors in the form the indexer chose for this cluster ("
            + stack.es().vectorEncoding() + ")",
        "each figure is the median of " + rounds + " loads; the forms take turns in each round, after "
            + warmUpRounds + " untimed rounds",
        "external version: version + version_type external in each action, as the indexer sends;"
            + " write alias: _index is the run's write alias with require_alias, as the indexer sends;"
            + " response filtered: filter_path to the items' outcomes, as the indexer asks;"
            + " ids as the partitions deliver them: each bulk the next ids of one partition of the change topic,"
            + " the partitions taking turns, as the indexer's tasks drain them (the ceilings send consecutive ids);"
            + " paced: bulks sent no sooner than " + (int) DRAIN_RATE + " vectors/s allows, about the rate of the"
            + " indexer's int8_flat drain on this machine; pipeline CPUs spinning / streaming memory / writing files: "
            + NeighbourLoad.Kind.SPIN.description() + " / " + NeighbourLoad.Kind.MEMORY.description() + " / "
            + NeighbourLoad.Kind.DISK.description()
            + ", at nice 19 (Elasticsearch's CPU figure leaves it out)",
        "stack idle: Elasticsearch's CPU over " + IDLE.toSeconds() + " s after the loads, with the indexer and the"
            + " API running and nothing written"));
  }

  private record Load(double perSecond, double elasticsearchMsPerThousand) {
  }

  private static Load load(BenchStack stack, RawBulkLoader raw, Variant variant, List<String> ids,
                           List<float[]> vectors) throws Exception {
    String index = stack.uniqueName("bench-form");
    stack.es().createIndexWithWriteAlias(index, IngestCase.spec(IndexMapping.DEFAULT_INDEX_OPTIONS));
    Map<String, Double> cpu;
    long start;
    long end;
    try (NeighbourLoad neighbour = NeighbourLoad.start(variant.neighbour(), stack.cpuSplit().pipelineCpus(),
        stack.workDir())) {
      Map<String, Double> before = stack.cpu().millis();
      start = System.nanoTime();
      end = raw.fillUntilSearchable(index, variant.partitioned() ? inPartitionOrder(ids, variant.bulkSize()) : ids,
          vectors, variant.form(), variant.bulkSize(), variant.perSecond(), TIMEOUT);
      cpu = StackCpu.between(before, stack.cpu().millis());
      if (!neighbour.running()) {
        throw new IllegalStateException("the neighbour of " + variant.name() + " stopped during the load");
      }
    }
    stack.es().deleteIndex(index);
    return new Load(vectors.size() / ((end - start) / 1e9),
        cpu.getOrDefault(BenchStack.ELASTICSEARCH, Double.NaN) * 1000 / vectors.size());
  }

  /**
   * The ids as a drain delivers them: each bulk holds the next ids of one partition of the change topic (by the
   * producer's partitioner), and the partitions take turns, as the indexer's tasks drain them side by side. The
   * raw loads send every bulk a run of consecutive ids instead.
   */
  static List<String> inPartitionOrder(List<String> ids, int bulkSize) {
    int partitions = Integer.parseInt(Settings.TOPIC_PARTITIONS.defaultValue());
    List<List<String>> byPartition = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      byPartition.add(new ArrayList<>());
    }
    for (String id : ids) {
      byte[] key = new SampleKey(PARTITIONED_DATASET, id).toString().getBytes(StandardCharsets.UTF_8);
      byPartition.get(Utils.toPositive(Utils.murmur2(key)) % partitions).add(id);
    }
    List<String> order = new ArrayList<>(ids.size());
    int[] next = new int[partitions];
    for (int p = 0; order.size() < ids.size(); p = (p + 1) % partitions) {
      List<String> part = byPartition.get(p);
      int to = Math.min(part.size(), next[p] + bulkSize);
      order.addAll(part.subList(next[p], to));
      next[p] = to;
    }
    return order;
  }

  private static double median(List<Load> loads, ToDoubleFunction<Load> figure) {
    return Stats.percentile(loads.stream().map(figure::applyAsDouble).toList(), 50);
  }
}
