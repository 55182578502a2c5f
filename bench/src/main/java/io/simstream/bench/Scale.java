package io.simstream.bench;

import io.simstream.elasticsearch.IndexMapping;
import java.time.Duration;
import java.util.List;

/**
 * Sizes of every case. {@link #smoke()} runs all cases in about a minute (the CI test);
 * {@link #full()} is the real measurement, about half an hour on 2 cores.
 *
 * @param ingestVectors    512-d vectors per ingest measurement, on each path
 * @param ingestOptions    index options measured by the ingest case, the default first
 * @param latencySeconds   how long each path is loaded at a steady rate
 * @param queryDocs        clustered 512-d vectors indexed for the query case
 * @param queries          timed queries per path (API, direct)
 * @param tradeoffQueries  queries per num_candidates / rescore setting
 * @param images           images embedded by the raw model and through the indexer
 * @param backfillSamples  samples produced before the backfilled run is created
 * @param backfillTimeout  budget of the whole backfill case: produce, store as dataset state, backfill
 * @param chaos            sizes of the chaos case
 * @param recallIndexOptions index options of the recall table's runs; null: the API's default
 * @param latencyRate      events/s the latency case offers; null: half the sustainable ingest rate
 */
public record Scale(String name, int ingestVectors, List<String> ingestOptions, int latencySeconds, int queryDocs,
                    int queries, int tradeoffQueries, int images, int backfillSamples, Duration backfillTimeout,
                    Chaos chaos, String recallIndexOptions, Double latencyRate) {

  /**
   * @param samples         ids the random history adds, updates and deletes
   * @param eventsPerSecond rate of changes while a phase's disruptions go on
   * @param kills           kill -9s of the indexer in the kills phase
   * @param phases          what is disrupted, in order; the smoke variant only kills, on the shared servers
   * @param convergeTimeout longest wait for the indexes to equal the dataset after a phase
   * @param classArchive    child indexers map the class-data archive the image ships ({@link IndexerClassArchive})
   */
  public record Chaos(int samples, double eventsPerSecond, int kills, List<ChaosPhase> phases,
                      Duration convergeTimeout, boolean classArchive) {
  }

  public static Scale smoke() {
    return new Scale("smoke", 400, List.of(IndexMapping.DEFAULT_INDEX_OPTIONS), 3, 600, 30, 10, 8, 2_000,
        Duration.ofMinutes(3), new Chaos(200, 20, 1, List.of(ChaosPhase.KILLS), Duration.ofMinutes(3), true), null, null);
  }

  /** Between the two: every case at sizes where its figures start to mean something, in a few minutes each. */
  public static Scale small() {
    return new Scale("small", 4_000, List.of(IndexMapping.DEFAULT_INDEX_OPTIONS), 10, 5_000, 100, 50, 64, 20_000,
        Duration.ofMinutes(5), new Chaos(1_000, 50, 3, List.of(ChaosPhase.KILLS), Duration.ofMinutes(5), true), null, null);
  }

  public static Scale full() {
    return new Scale("full", 60_000, List.of(IndexMapping.DEFAULT_INDEX_OPTIONS, "int8_hnsw"), 40, 20_000, 400, 200,
        2_400, 1_000_000, Duration.ofMinutes(20),
        new Chaos(5_000, 200, 20, List.of(ChaosPhase.values()), Duration.ofMinutes(10), true), null, null);
  }

  public static Scale named(String name) {
    return switch (name) {
      case "smoke" -> smoke();
      case "small" -> small();
      case "full" -> full();
      default -> throw new IllegalArgumentException("--scale must be smoke, small or full, got '" + name + "'");
    };
  }

  /** Documents per index of the query case's recall table (128-d, one index per metric and size). */
  public List<Integer> recallSizes() {
    return switch (name) {
      case "full" -> List.of(20_000, 150_000);
      case "small" -> List.of(20_000);
      default -> List.of(queryDocs);
    };
  }

  /** Queries per cell (query kind x metric x size) of the recall table. */
  public int recallQueries() {
    return switch (name) {
      case "full" -> 100;
      case "small" -> 50;
      default -> 10;
    };
  }

  /** Timed rounds of the bulk-form case (every form once per round); one at smoke scale, which only checks it runs. */
  public int bulkFormRounds() {
    return switch (name) {
      case "full" -> 5;
      case "small" -> 3;
      default -> 1;
    };
  }

  /** Untimed rounds before them: Elasticsearch's rate kept rising over its first 300,000 vectors (see IngestCase). */
  public int bulkFormWarmUpRounds() {
    return name.equals("smoke") ? 0 : 3;
  }

  public Scale withBackfillSamples(int samples) {
    return new Scale(name, ingestVectors, ingestOptions, latencySeconds, queryDocs, queries, tradeoffQueries, images,
        samples, backfillTimeout, chaos, recallIndexOptions, latencyRate);
  }

  public Scale withChaosKills(int kills) {
    return new Scale(name, ingestVectors, ingestOptions, latencySeconds, queryDocs, queries, tradeoffQueries, images,
        backfillSamples, backfillTimeout, new Chaos(chaos.samples(), chaos.eventsPerSecond(), kills, chaos.phases(),
        chaos.convergeTimeout(), chaos.classArchive()), recallIndexOptions, latencyRate);
  }

  public Scale withChaosClassArchive(boolean classArchive) {
    return new Scale(name, ingestVectors, ingestOptions, latencySeconds, queryDocs, queries, tradeoffQueries, images,
        backfillSamples, backfillTimeout, new Chaos(chaos.samples(), chaos.eventsPerSecond(), chaos.kills(),
        chaos.phases(), chaos.convergeTimeout(), classArchive), recallIndexOptions, latencyRate);
  }

  public Scale withRecallIndexOptions(String indexOptions) {
    return new Scale(name, ingestVectors, ingestOptions, latencySeconds, queryDocs, queries, tradeoffQueries, images,
        backfillSamples, backfillTimeout, chaos, indexOptions, latencyRate);
  }

  public Scale withLatencyRate(double eventsPerSecond) {
    return new Scale(name, ingestVectors, ingestOptions, latencySeconds, queryDocs, queries, tradeoffQueries, images,
        backfillSamples, backfillTimeout, chaos, recallIndexOptions, eventsPerSecond);
  }
}
