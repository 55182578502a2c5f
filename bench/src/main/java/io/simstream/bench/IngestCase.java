package io.simstream.bench;

import io.simstream.config.Settings;
import io.simstream.elasticsearch.IndexMapping;
import io.simstream.elasticsearch.VectorFieldSpec;
import io.simstream.run.Metric;
import io.simstream.run.SimilarityRun;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Case 1: events per second from Kafka through the indexer until searchable, against a raw bulk
 * loader pushing the same 512-d vectors straight into an identically built index.
 */
final class IngestCase implements BenchCase {
  static final String NAME = "ingest";
  static final int DIMS = 512;
  static final double TARGET_RATIO = 0.9;
  private static final Duration TIMEOUT = Duration.ofMinutes(10);

  /** The figure the latency case derives its offered load from. */
  static String ceilingFigureName() {
    return "ingest " + IndexMapping.DEFAULT_INDEX_OPTIONS;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public CaseResult run(BenchStack stack, Scale scale) throws Exception {
    DirectElasticsearch es = stack.es();
    RawBulkLoader raw = new RawBulkLoader(es);
    // A short load first, so neither measured path pays for Elasticsearch's JIT warm-up.
    String warmUp = stack.uniqueName("bench-warmup");
    raw.load(warmUp, spec(IndexMapping.DEFAULT_INDEX_OPTIONS),
        new VectorGenerator(7, DIMS).gaussian(Math.min(2_000, scale.ingestVectors())), TIMEOUT);
    es.deleteIndex(warmUp);

    List<Figure> figures = new ArrayList<>();
    for (String options : scale.ingestOptions()) {
      List<float[]> vectors = new VectorGenerator(1, DIMS).gaussian(scale.ingestVectors());
      String rawIndex = stack.uniqueName("bench-raw");
      double ceiling = raw.load(rawIndex, spec(options), vectors, TIMEOUT);
      es.deleteIndex(rawIndex);
      double pipeline = viaPipeline(stack, options, vectors);
      figures.add(Figure.throughput("ingest " + options, "vectors/s", pipeline, "raw bulk loader", ceiling,
          TARGET_RATIO));
      System.out.printf("ingest %s: %.0f vectors/s through simstream, %.0f raw, ratio %.2f%n", options, pipeline,
          ceiling, pipeline / ceiling);
    }
    return new CaseResult(NAME, "Ingest of precomputed 512-d vectors (events/s until searchable)", figures, List.of(
        scale.ingestVectors() + " random 512-d vectors, cosine, per path; default index options "
            + IndexMapping.DEFAULT_INDEX_OPTIONS + " (IndexMapping.DEFAULT_INDEX_OPTIONS), refresh_interval 1s",
        "simstream: pre-encoded sample_added events sent to Kafka, timed from the first send until _count "
            + "reaches N (the indexer's defaults: batch " + Settings.INDEXER_BATCH_SIZE.defaultValue() + ", max wait "
            + Settings.INDEXER_BATCH_MAX_WAIT_MS.defaultValue() + " ms, bulk "
            + Settings.INDEXER_BULK_MAX_ACTIONS.defaultValue() + " actions, "
            + Settings.INDEXER_BULK_MAX_IN_FLIGHT.defaultValue() + " batches in flight per task, "
            + Settings.TOPIC_PARTITIONS.defaultValue() + " partitions = tasks)",
        "ceiling: the same vectors bulk-loaded straight into an index with the same mapping, "
            + RawBulkLoader.BULK_SIZE + " per bulk, " + RawBulkLoader.IN_FLIGHT
            + " bulks in flight, timed until _count reaches N"));
  }

  private static double viaPipeline(BenchStack stack, String options, List<float[]> vectors) {
    String dataset = stack.uniqueName("ingest");
    stack.api().registerDataset(dataset);
    String index = stack.api().createRun(dataset, "vec", SimilarityRun.PRECOMPUTED, DIMS, options);
    Pipeline pipeline = new Pipeline(stack);
    pipeline.prime(index, SampleEvents.withVector(dataset, "prime", vectors.get(0)), TIMEOUT);
    List<SampleEvents.Encoded> events = new ArrayList<>(vectors.size());
    for (int i = 0; i < vectors.size(); i++) {
      events.add(SampleEvents.withVector(dataset, SampleEvents.sampleId("s", i), vectors.get(i)));
    }
    double rate = pipeline.ingest(index, events, vectors.size() + 1L, TIMEOUT);
    stack.dropRun(dataset, "vec", index);
    return rate;
  }

  static VectorFieldSpec spec(String options) {
    return new VectorFieldSpec(Metric.COSINE, DIMS, options);
  }
}
