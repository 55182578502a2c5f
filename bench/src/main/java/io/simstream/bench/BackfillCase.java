package io.simstream.bench;

import io.simstream.api.QueryApi;
import io.simstream.config.Setting;
import io.simstream.config.Settings;
import io.simstream.config.SimstreamConfig;
import io.simstream.elasticsearch.IndexMapping;
import io.simstream.elasticsearch.VectorFieldSpec;
import io.simstream.kafka.ChangeEventProducer;
import io.simstream.kafka.Topics;
import io.simstream.run.Metric;
import io.simstream.run.SimilarityRun;
import io.simstream.servers.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Case 5: a run created over a dataset that already holds N samples, backfilled by an indexer in a
 * child JVM capped at {@link #HEAP}: whether it finishes, how long it takes, its peak RSS. It uses
 * its own topics and application id, so the bench's in-process indexer never touches these events.
 */
final class BackfillCase implements BenchCase {
  static final String NAME = "backfill";
  static final String HEAP = "-Xmx512m";
  static final int DIMS = 32;
  /** The raw loader's ceiling is measured on at most this many of the N vectors. */
  private static final int CEILING_SAMPLE = 100_000;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public CaseResult run(BenchStack stack, Scale scale) throws Exception {
    int samples = scale.backfillSamples();
    VectorFieldSpec spec = new VectorFieldSpec(Metric.COSINE, DIMS, IndexMapping.DEFAULT_INDEX_OPTIONS);
    String rawIndex = stack.uniqueName("bench-backfill-raw");
    int ceilingSample = Math.min(samples, CEILING_SAMPLE);
    double ceiling = new RawBulkLoader(stack.es()).load(rawIndex, spec,
        new VectorGenerator(13, DIMS).gaussian(ceilingSample), scale.backfillTimeout());
    stack.es().deleteIndex(rawIndex);

    String prefix = stack.uniqueName("backfill");
    Map<Setting<?>, String> own = Map.of(
        Settings.TOPIC_CHANGES, prefix + ".changes",
        Settings.TOPIC_RUNS, prefix + ".runs",
        Settings.TOPIC_DATASETS, prefix + ".datasets",
        Settings.TOPIC_DEAD_LETTERS, prefix + ".dead-letters",
        Settings.INDEXER_APPLICATION_ID, prefix + "-indexer",
        Settings.INDEXER_STATE_DIR, Files.createDirectories(stack.workDir().resolve(prefix + "-state")).toString());
    SimstreamConfig config = stack.configFor(own);
    String dataset = "backfilled";
    Path log = stack.workDir().resolve(prefix + "-indexer.log");
    try (QueryApi queryApi = QueryApi.start(config)) {
      ApiClient api = new ApiClient("http://127.0.0.1:" + queryApi.port());
      api.registerDataset(dataset);
      ChildJvm indexer = ChildJvm.start(ChildIndexer.MAIN_CLASS,
          List.of(HEAP, "-XX:+ExitOnOutOfMemoryError"), ChildIndexer.environment(config), log);
      try (PeakRss rss = new PeakRss(indexer.pid())) {
        // One budget for the whole case (produce, store, backfill): the scale's "fits in ~20 min".
        long start = System.nanoTime();
        long deadline = start + scale.backfillTimeout().toNanos();
        produce(config, dataset, samples);
        double produced = seconds(start);
        ConsumerLag.awaitCaughtUp(config.get(Settings.KAFKA_BOOTSTRAP_SERVERS),
            config.get(Settings.INDEXER_APPLICATION_ID), config.get(Settings.TOPIC_CHANGES),
            Duration.ofNanos(deadline - System.nanoTime()));
        double stored = seconds(start);

        long backfillStart = System.nanoTime();
        String index = api.createRun(dataset, "vec", SimilarityRun.PRECOMPUTED, DIMS,
            IndexMapping.DEFAULT_INDEX_OPTIONS);
        boolean finished = awaitQuietly(stack.es(), index, samples,
            Duration.ofNanos(deadline - System.nanoTime()));
        double backfillSeconds = seconds(backfillStart);
        boolean alive = indexer.isAlive();
        double peakMb = rss.peakMb();
        long indexed = stack.es().count(index);
        indexer.stop();
        stack.es().deleteIndex(index);
        boolean passed = finished && alive;
        System.out.printf("backfill of %d samples with %s: %s in %.1f s, peak RSS %.0f MB%n", samples, HEAP,
            passed ? "passed" : "FAILED", backfillSeconds, peakMb);
        return new CaseResult(NAME, "Backfill of " + samples + " samples by an indexer with " + HEAP, List.of(
            new Figure("backfill", Figure.Kind.THROUGHPUT, "samples/s", indexed / backfillSeconds,
                "raw bulk loader", ceiling, indexed / backfillSeconds / ceiling, null, null, true),
            Figure.of("passes with " + HEAP, Figure.Kind.QUALITY, Figure.YES_NO, passed ? 1 : 0)
                .withTarget("finishes, indexer alive", passed).asHeadline(),
            Figure.of("backfill time", Figure.Kind.RESOURCE, "s", backfillSeconds).asHeadline(),
            Figure.of("indexer peak RSS (VmHWM)", Figure.Kind.RESOURCE, "MB", peakMb).asHeadline(),
            Figure.of("documents indexed", Figure.Kind.QUALITY, "documents", indexed),
            Figure.of("produce time", Figure.Kind.RESOURCE, "s", produced),
            Figure.of("produce + dataset state built", Figure.Kind.RESOURCE, "s", stored)),
            List.of(samples + " sample_added events with " + DIMS + "-d vectors produced first; the child indexer "
                    + "(IndexerMain, " + HEAP + ", -XX:+ExitOnOutOfMemoryError) stores them as dataset state; then "
                    + "the run is created and timed until all " + samples + " are searchable",
                "peak RSS: VmHWM of the child JVM over its whole life (state building and backfill)",
                "ceiling: raw bulk loader on " + ceilingSample + " of the same kind of vectors, same mapping, vectors"
                    + " as the indexer writes them to this cluster (" + stack.es().vectorEncoding() + ")",
                "indexer log: " + log));
      } finally {
        if (indexer.isAlive()) {
          indexer.stop();
        }
      }
    }
  }

  private static void produce(SimstreamConfig config, String dataset, int samples) {
    VectorGenerator generator = new VectorGenerator(17, DIMS);
    try (ChangeEventProducer producer = new ChangeEventProducer(config.kafkaClientProperties(),
        Topics.from(config).changes())) {
      for (int i = 0; i < samples; i++) {
        SampleEvents.Encoded event = SampleEvents.withVector(dataset, SampleEvents.sampleId("s", i),
            generator.gaussian(1.0));
        producer.sendRaw(event.key(), event.value());
      }
      producer.flush();
    }
  }

  private static boolean awaitQuietly(DirectElasticsearch es, String index, long expected, Duration timeout) {
    try {
      Searchable.await(es, index, expected, timeout);
      return true;
    } catch (IllegalStateException timedOut) {
      return false;
    }
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
