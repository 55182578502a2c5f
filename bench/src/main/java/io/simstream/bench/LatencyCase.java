package io.simstream.bench;

import io.simstream.elasticsearch.IndexMapping;
import io.simstream.run.SimilarityRun;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Case 2: event-to-searchable latency at a steady load of half the sustainable ingest rate (the
 * slowest of simstream's backlog drain, its load with producing included and the raw bulk loader: above
 * what the pipeline takes, a backlog grows and the latency measures only the length of the run). The ceiling is
 * the same load sent straight to Elasticsearch (one bulk per tick): what periodic refresh alone
 * costs, so the difference is simstream's own delay.
 */
final class LatencyCase implements BenchCase {
  static final String NAME = "latency";
  static final double TARGET_P99_MS = 2_000;
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration TIMEOUT = Duration.ofMinutes(2);

  private final Supplier<Optional<Double>> sustainableRate;

  /**
   * {@code sustainableRate}: {@link IngestCase#sustainableRate} of the ingest case in this run, if it ran.
   */
  LatencyCase(Supplier<Optional<Double>> sustainableRate) {
    this.sustainableRate = sustainableRate;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public CaseResult run(BenchStack stack, Scale scale) throws Exception {
    List<String> notes = new ArrayList<>();
    double rate;
    if (scale.latencyRate() != null) {
      rate = scale.latencyRate();
      notes.add(String.format("offered load %.0f events/s, as --latency-rate asked", rate));
    } else {
      double sustainable = sustainableRate.get().orElseGet(() -> measureCeiling(stack, scale, notes));
      rate = Math.max(1, sustainable / 2);
      notes.add(String.format("offered load %.0f events/s = half the sustainable ingest rate (%.0f vectors/s, the"
          + " slowest of simstream's backlog drain, its load with producing included and the raw bulk loader, %s)",
          rate, sustainable,
          IndexMapping.DEFAULT_INDEX_OPTIONS));
    }
    int count = (int) Math.ceil(rate * scale.latencySeconds());
    List<float[]> vectors = new VectorGenerator(3, IngestCase.DIMS).gaussian(count);

    Measured kafka = viaKafka(stack, vectors, rate);
    Measured direct = viaDirect(stack, vectors, rate);
    double p50 = Stats.percentile(kafka.latenciesMs, 50);
    double p99 = Stats.percentile(kafka.latenciesMs, 99);
    double directP50 = Stats.percentile(direct.latenciesMs, 50);
    double directP99 = Stats.percentile(direct.latenciesMs, 99);
    double gapP50 = Stats.percentile(kafka.getToSearchMs, 50);
    double gapP99 = Stats.percentile(kafka.getToSearchMs, 99);
    double gapMax = kafka.getToSearchMs.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    System.out.printf("latency at %.0f events/s: p50 %.0f ms, p99 %.0f ms through simstream; direct p50 %.0f ms, "
        + "p99 %.0f ms; an id lookup sees a write before a search does by p50 %.0f / p99 %.0f / max %.0f ms%n",
        rate, p50, p99, directP50, directP99, gapP50, gapP99, gapMax);
    List<Figure> figures = List.of(
        Figure.latency("event-to-searchable p50", p50, "direct bulk p50", directP50, null, null),
        Figure.latency("event-to-searchable p99", p99, "direct bulk p99", directP99,
            "p99 <= " + (int) TARGET_P99_MS + " ms", p99 <= TARGET_P99_MS),
        Figure.latency("lookup-to-search gap p50", gapP50, "direct bulk", Stats.percentile(direct.getToSearchMs, 50),
            null, null),
        Figure.latency("lookup-to-search gap p99", gapP99, "direct bulk", Stats.percentile(direct.getToSearchMs, 99),
            null, null),
        Figure.of("lookup-to-search gap max", Figure.Kind.LATENCY, "ms", gapMax),
        Figure.of("offered load", Figure.Kind.THROUGHPUT, "events/s", kafka.offeredRate),
        Figure.of("tracked events never seen (simstream)", Figure.Kind.QUALITY, "events", kafka.missing),
        Figure.of("tracked events never seen (direct)", Figure.Kind.QUALITY, "events", direct.missing));
    notes.add(String.format("%d s per path, %d events of 512-d", scale.latencySeconds(), count));
    notes.add("latency: from handing the event to the Kafka producer (or the bulk) until a search by id first "
        + "returns it, polled every " + VisibilityProbe.POLL_MS + " ms, for one event in " + VisibilityProbe.TRACK_EVERY
        + " (so the probe's own searches stay small); refresh_interval 1s bounds both paths");
    notes.add("lookup-to-search gap: for one tracked id in " + VisibilityProbe.READ_EVERY + ", from a real-time"
        + " multi-get first finding it (as the API's id lookups do; every "
        + VisibilityProbe.READS_EVERY * VisibilityProbe.POLL_MS + " ms, so up to that much short) until a search"
        + " first does: the window in which the two disagree, the same for a delete");
    notes.add("ceiling: the same events sent straight to Elasticsearch, one bulk every " + SteadyLoad.TICK_MS
        + " ms tick");
    return new CaseResult(NAME, "Event-to-searchable latency at half the sustainable ingest rate", figures, notes);
  }

  private record Measured(List<Double> latenciesMs, List<Double> getToSearchMs, double offeredRate, int missing) {
  }

  private static Measured viaKafka(BenchStack stack, List<float[]> vectors, double rate) throws Exception {
    String dataset = stack.uniqueName("latency");
    stack.api().registerDataset(dataset);
    String index = stack.api().createRun(dataset, "vec", SimilarityRun.PRECOMPUTED, IngestCase.DIMS,
        IndexMapping.DEFAULT_INDEX_OPTIONS);
    Pipeline pipeline = new Pipeline(stack);
    pipeline.prime(index, SampleEvents.withVector(dataset, "prime", vectors.get(0)), TIMEOUT);
    List<SampleEvents.Encoded> events = new ArrayList<>(vectors.size());
    for (int i = 0; i < vectors.size(); i++) {
      events.add(SampleEvents.withVector(dataset, SampleEvents.sampleId("k", i), vectors.get(i)));
    }
    try (VisibilityProbe probe = new VisibilityProbe(stack.es(), index)) {
      double offered = SteadyLoad.run(events, rate, batch -> batch.forEach(
          e -> stack.producer().sendRaw(e.key(), e.value())), (e, at) -> probe.offered(e.sampleId(), at));
      int missing = probe.awaitAll(DRAIN_TIMEOUT);
      stack.dropRun(dataset, "vec", index);
      return new Measured(probe.latenciesMs(), probe.getToSearchMs(), offered, missing);
    }
  }

  private static Measured viaDirect(BenchStack stack, List<float[]> vectors, double rate) throws Exception {
    String index = stack.uniqueName("bench-latency-direct");
    stack.es().createIndex(index, IngestCase.spec(IndexMapping.DEFAULT_INDEX_OPTIONS));
    List<BulkBodies.Doc> docs = new ArrayList<>(vectors.size());
    for (int i = 0; i < vectors.size(); i++) {
      docs.add(new BulkBodies.Doc(SampleEvents.sampleId("d", i), vectors.get(i)));
    }
    try (VisibilityProbe probe = new VisibilityProbe(stack.es(), index)) {
      double offered = SteadyLoad.run(docs, rate,
          batch -> stack.es().bulk(BulkBodies.index(index, batch, stack.es().vectorEncoding())),
          (d, at) -> probe.offered(d.id(), at));
      int missing = probe.awaitAll(DRAIN_TIMEOUT);
      stack.es().deleteIndex(index);
      return new Measured(probe.latenciesMs(), probe.getToSearchMs(), offered, missing);
    }
  }

  private static double measureCeiling(BenchStack stack, Scale scale, List<String> notes) {
    String index = stack.uniqueName("bench-latency-ceiling");
    try {
      double ceiling = new RawBulkLoader(stack.es()).load(index, IngestCase.spec(IndexMapping.DEFAULT_INDEX_OPTIONS),
          new VectorGenerator(5, IngestCase.DIMS).gaussian(scale.ingestVectors()), TIMEOUT);
      notes.add("the ingest case did not run: the rate was measured here with the raw bulk loader alone, which may"
          + " be above what simstream drains");
      return ceiling;
    } catch (Exception e) {
      throw new IllegalStateException("measuring the ingest ceiling failed: " + e.getMessage(), e);
    } finally {
      stack.es().deleteIndex(index);
    }
  }
}
