package io.simstream.indexer;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.simstream.config.Settings;
import io.simstream.config.SimstreamConfig;
import io.simstream.elasticsearch.BulkVectorEncoding;
import io.simstream.elasticsearch.ElasticsearchClients;
import io.simstream.indexer.embed.CatalogEmbedderProvider;
import io.simstream.indexer.embed.EmbedderProvider;
import io.simstream.indexer.health.ThreadFailures;
import io.simstream.indexer.metrics.AdminServer;
import io.simstream.indexer.metrics.IndexSizeMonitor;
import io.simstream.indexer.metrics.IndexerMetrics;
import io.simstream.indexer.topology.IndexerTopology;
import io.simstream.indexer.topology.TopicDatasetCatalog;
import io.simstream.indexer.topology.TopologyOptions;
import io.simstream.indexer.write.BulkVectorWriter;
import io.simstream.kafka.CompactedTopicView;
import io.simstream.kafka.TopicAdmin;
import io.simstream.kafka.Topics;
import io.simstream.metrics.RuntimeMetrics;
import io.simstream.run.SimilarityRun;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.rocksdb.RocksDB;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running indexer: topics ensured, Kafka Streams started, admin HTTP server (/metrics, /health) up.
 * Several instances with the same application id share the change topic's partitions.
 */
public final class Indexer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Indexer.class);
  /** The {@link RuntimeMetrics#APPLICATION_TAG} of the indexer's meters, which the dashboard and alerts select. */
  public static final String APPLICATION = "simstream-indexer";
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  /** Everything started, closed in reverse order by {@link #close()} or by a failed start. */
  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private volatile KafkaStreams streams;
  private final AdminServer admin;
  private final TopicDatasetCatalog datasets;
  private final BulkVectorWriter writer;
  private final IndexerMetrics metrics;
  private final ElasticsearchClient es;
  /** One thread: CPU models use every core per batch already, and a GPU takes one batch at a time. */
  private final ExecutorService embedExecutor = Executors.newSingleThreadExecutor(r -> {
    Thread thread = new Thread(r, "simstream-embedding");
    thread.setDaemon(true);
    return thread;
  });
  private final CountDownLatch stopped = new CountDownLatch(1);
  /** One failure is a blip Kafka Streams recovers from, a loop is not. */
  private final ThreadFailures threadFailures;
  private volatile boolean failed;

  private Indexer(SimstreamConfig config, EmbedderProvider embedders, AutoCloseable ownedEmbedders)
      throws IOException {
    threadFailures = ThreadFailures.forRetryBudget(Clock.systemUTC(),
        Duration.ofMillis(config.get(Settings.INDEXER_RETRY_MAX_MS)));
    resources.push(ownedEmbedders);
    long begin = System.nanoTime();
    long topicsMs;
    long elasticsearchMs;
    long streamsStartMs;
    try {
      PrometheusMeterRegistry registry = RuntimeMetrics.registryFor(APPLICATION);
      metrics = new IndexerMetrics(registry);
      resources.push(metrics);
      // The admin port first: a port taken fails the start before any connection or partition claim.
      admin = new AdminServer(config.get(Settings.INDEXER_ADMIN_PORT), registry, this::health);
      resources.push(admin);
      preloadRocksDb();
      // The topic check runs beside the Elasticsearch set-up: both are mostly loading classes for the
      // first time, which two cores do side by side, and a restart waits for both (docs/indexer.md).
      CompletableFuture<Long> topicsChecked = CompletableFuture.supplyAsync(() -> {
        long topicsStart = System.nanoTime();
        TopicAdmin.ensureTopics(config);
        return millisSince(topicsStart);
      });
      Topics topics = Topics.from(config);
      long elasticsearchStart = System.nanoTime();
      es = ElasticsearchClients.create(config);
      resources.push(es._transport());
      writer = new BulkVectorWriter(es, new BulkVectorWriter.Limits(config.get(Settings.INDEXER_BULK_MAX_ACTIONS),
          config.get(Settings.INDEXER_BULK_MAX_BYTES), Duration.ofMillis(config.get(Settings.INDEXER_RETRY_MAX_MS))),
          BulkVectorEncoding.detect(ElasticsearchClients.restClient(es)), metrics, Clock.systemUTC());
      resources.push(writer);
      elasticsearchMs = millisSince(elasticsearchStart);
      resources.push(embedExecutor::shutdownNow);
      topicsMs = joinUnwrapped(topicsChecked);
      datasets = new TopicDatasetCatalog(new CompactedTopicView<>(config.kafkaClientProperties(),
          topics.datasets()));
      resources.push(datasets);
      streams = new KafkaStreams(IndexerTopology.build(topics, datasets, writer, embedders, embedExecutor,
          TopologyOptions.from(config), metrics), IndexerStreamsConfig.from(config));
      resources.push(() -> streams.close(CLOSE_TIMEOUT));
      // A failed flush (Elasticsearch down past the retry budget) replaces the thread; its tasks resume
      // from the last commit, where the outbox still holds every unwritten change.
      streams.setUncaughtExceptionHandler(e -> {
        LOG.error("Stream thread failed, replacing it", e);
        threadFailures.record(e);
        return StreamThreadExceptionResponse.REPLACE_THREAD;
      });
      streams.setStateListener((now, before) -> {
        LOG.info("Indexer state {} -> {}", before, now);
        if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
          failed = now == KafkaStreams.State.ERROR;
          stopped.countDown();
        }
      });
      exitOnLastingLoop(Duration.ofMillis(config.get(Settings.INDEXER_FAILURE_LOOP_EXIT_MS)));
      KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams);
      streamsMetrics.bindTo(registry);
      resources.push(streamsMetrics);
      long streamsStart = System.nanoTime();
      streams.start();
      streamsStartMs = millisSince(streamsStart);
      resources.push(new IndexSizeMonitor(es, this::runs, metrics));
    } catch (IOException | RuntimeException e) {
      closeResources();
      throw e;
    }
    // Restart time is a target (docs/bench.md): say where it went before the stream thread's own log lines.
    LOG.info("Indexer started: application {}, admin port {}, in {} ms (topics checked in {} ms, Elasticsearch"
            + " client in {} ms, Kafka Streams' start in {} ms), JVM up {} ms",
        config.get(Settings.INDEXER_APPLICATION_ID), admin.port(), millisSince(begin), topicsMs,
        elasticsearchMs, streamsStartMs, ManagementFactory.getRuntimeMXBean().getUptime());
  }

  /**
   * Kafka Streams' start opens the local stores, and the first open loads RocksDB's native library (extracted
   * from its jar to a temporary file: 0.2-0.5 s on two cores). Loading it beside the client set-up takes that
   * off a restart's path; a thread of its own because the common pool has one thread on two cores and runs
   * the topic check.
   */
  private static void preloadRocksDb() {
    Thread loader = new Thread(RocksDB::loadLibrary, "rocksdb-preload");
    loader.setDaemon(true);
    loader.start();
  }

  private static long millisSince(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }

  /** The future's value, or the exception it failed with as itself rather than wrapped. */
  private static <T> T joinUnwrapped(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  /** Starts an indexer whose model runs use the embedding module's models, opened on first use. */
  public static Indexer start(SimstreamConfig config) {
    CatalogEmbedderProvider models = CatalogEmbedderProvider.from(config);
    return start(config, models, models);
  }

  /** Starts an indexer whose model runs embed images with {@code embedders} (the caller closes them). */
  public static Indexer start(SimstreamConfig config, EmbedderProvider embedders) {
    return start(config, embedders, () -> { });
  }

  private static Indexer start(SimstreamConfig config, EmbedderProvider embedders, AutoCloseable owned) {
    try {
      return new Indexer(config, embedders, owned);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the indexer: " + e.getMessage(), e);
    }
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  public int adminPort() {
    return admin.port();
  }

  /** The tasks this instance processes now; standby and warm-up replicas do not count. */
  public int activeTasks() {
    return streams.metadataForLocalThreads().stream().mapToInt(thread -> thread.activeTasks().size()).sum();
  }

  /**
   * Stops processing, keeping the partitions and their state, until {@link #resume()}: events then
   * wait in Kafka, e.g. to measure how fast a backlog drains.
   */
  public void pause() {
    streams.pause();
  }

  public void resume() {
    streams.resume();
  }

  /** Waits until Kafka Streams stops on its own or fails; true when it failed. */
  public boolean awaitStop(Duration timeout) throws InterruptedException {
    stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    return failed;
  }

  private AdminServer.Health health() {
    if (streams == null) {
      return new AdminServer.Health(false, "STARTING");
    }
    KafkaStreams.State state = streams.state();
    boolean running = state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING;
    Optional<String> failing = threadFailures.problem();
    if (running && failing.isPresent()) {
      return new AdminServer.Health(false, state.name() + ": " + failing.get());
    }
    return new AdminServer.Health(running, state.name());
  }

  /**
   * Stops the indexer as failed once stream threads have kept failing for {@code limit}: a liveness
   * probe only sees the admin port, so without this a pod whose threads loop would never restart.
   */
  private void exitOnLastingLoop(Duration limit) {
    if (limit.isZero()) {
      return;
    }
    ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "simstream-failure-loop");
      thread.setDaemon(true);
      return thread;
    });
    resources.push(watch::shutdownNow);
    watch.scheduleWithFixedDelay(() -> threadFailures.lastingLoop(limit).ifPresent(reason -> {
      LOG.error("{}; exiting so that the indexer is restarted ({})", reason, Settings.INDEXER_FAILURE_LOOP_EXIT_MS.key());
      failed = true;
      stopped.countDown();
      watch.shutdown();
    }), 15, 15, TimeUnit.SECONDS);
  }

  /** Every run, or empty while the runs store cannot be queried (starting, rebalancing). */
  private Optional<List<SimilarityRun>> runs() {
    List<SimilarityRun> runs = new ArrayList<>();
    try {
      ReadOnlyKeyValueStore<String, SimilarityRun> store = streams.store(
          StoreQueryParameters.fromNameAndType(IndexerTopology.RUNS_STORE, QueryableStoreTypes.keyValueStore()));
      try (KeyValueIterator<String, SimilarityRun> it = store.all()) {
        it.forEachRemaining(kv -> runs.add(kv.value));
      }
    } catch (InvalidStateStoreException e) {
      LOG.debug("Runs store not queryable yet: {}", e.getMessage());
      return Optional.empty();
    }
    return Optional.of(runs);
  }

  @Override
  public void close() {
    closeResources();
    stopped.countDown();
  }

  /** Closes what was started, last first; one failing close does not keep the others open. */
  private void closeResources() {
    while (!resources.isEmpty()) {
      AutoCloseable resource = resources.pop();
      try {
        resource.close();
      } catch (Exception e) {
        LOG.warn("Closing {} failed: {}", resource, e.toString());
      }
    }
  }
}
