package io.simstream.bench;

import io.simstream.api.QueryApi;
import io.simstream.config.Setting;
import io.simstream.config.Settings;
import io.simstream.config.SimstreamConfig;
import io.simstream.embedding.Embedder;
import io.simstream.embedding.EmbedderRegistry;
import io.simstream.embedding.ModelCatalog;
import io.simstream.indexer.Indexer;
import io.simstream.indexer.embed.CatalogEmbedderProvider;
import io.simstream.kafka.ChangeEventProducer;
import io.simstream.kafka.Topics;
import io.simstream.servers.ElasticsearchNode;
import io.simstream.servers.KafkaBroker;
import io.simstream.servers.LocalServers;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The embedded stack every case runs against: a real Kafka broker and Elasticsearch node, the
 * indexer and the query API in this JVM, a producer, and a direct Elasticsearch client for the
 * ceilings. The indexer's models come from a registry the bench keeps, so that the embedding case
 * can call the very model instance the indexer uses.
 */
final class BenchStack implements AutoCloseable {
  private static final Duration INDEXER_START_TIMEOUT = Duration.ofMinutes(2);

  private final KafkaBroker kafka;
  private final ElasticsearchNode elasticsearch;
  private final EmbedderRegistry models;
  private final Indexer indexer;
  private final QueryApi api;
  private final ChangeEventProducer producer;
  private final DirectElasticsearch es;
  private final ApiClient apiClient;
  private final ApiQueryClient apiQueries;
  private final Path workDir;
  private final AtomicInteger names = new AtomicInteger();
  private final StackCpu cpu;
  private final CpuSplit cpuSplit;
  /** Names of the stack's processes in CPU figures. */
  static final String ELASTICSEARCH = "Elasticsearch";
  static final String BROKER = "broker";
  static final String BENCH_JVM = "bench JVM (indexer, API, producer or loader)";

  private BenchStack(Path workDir, CpuSplit cpuSplit) throws IOException, InterruptedException {
    this.workDir = workDir;
    this.cpuSplit = cpuSplit;
    LocalServers.startAll();
    kafka = LocalServers.kafka();
    elasticsearch = LocalServers.elasticsearch();
    // Before the indexer and the API start, so that their threads inherit the bench JVM's CPUs.
    cpuSplit.apply(elasticsearch.pid(), List.of(ProcessHandle.current().pid(), kafka.pid()));
    Map<String, Long> pids = new LinkedHashMap<>();
    pids.put(ELASTICSEARCH, elasticsearch.pid());
    pids.put(BROKER, kafka.pid());
    pids.put(BENCH_JVM, ProcessHandle.current().pid());
    cpu = new StackCpu(pids);
    Path stateDir = Files.createDirectories(workDir.resolve("indexer-state"));
    SimstreamConfig config = configFor(Map.of(Settings.INDEXER_STATE_DIR, stateDir.toString()));
    // What Indexer.start(config) builds itself, kept here to reach the model instance.
    models = EmbedderRegistry.from(config);
    indexer = Indexer.start(config, new CatalogEmbedderProvider(models));
    api = QueryApi.start(config);
    producer = new ChangeEventProducer(config.kafkaClientProperties(), Topics.from(config).changes());
    es = new DirectElasticsearch(elasticsearch.httpUrl());
    apiClient = new ApiClient("http://127.0.0.1:" + api.port());
    apiQueries = new ApiQueryClient("http://127.0.0.1:" + api.port());
    awaitIndexerRunning();
  }

  static BenchStack start(Path workDir, CpuSplit cpuSplit) throws IOException, InterruptedException {
    return new BenchStack(workDir, cpuSplit);
  }

  /**
   * The local servers' addresses, free ports for the services, with {@code overrides} on top of
   * the environment, so SIMSTREAM_* variables tune the indexer and API under measurement.
   */
  SimstreamConfig configFor(Map<Setting<?>, String> overrides) {
    Map<Setting<?>, String> all = new HashMap<>(Map.of(
        Settings.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
        Settings.ES_HOSTS, elasticsearch.httpUrl(),
        Settings.INDEXER_ADMIN_PORT, "0",
        Settings.API_PORT, "0"));
    all.putAll(overrides);
    return SimstreamConfig.fromEnvironment().with(all);
  }

  /** Removes a measured run and its index, so nothing of it (merges, monitoring) overlaps the next measurement. */
  void dropRun(String dataset, String brainKey, String index) {
    apiClient.deleteRun(dataset, brainKey);
    es.deleteIndex(index);
  }

  /** A fresh name per use, so that cases never share datasets or indexes. */
  String uniqueName(String prefix) {
    return prefix + "-" + names.incrementAndGet();
  }

  Indexer indexer() {
    return indexer;
  }

  StackCpu cpu() {
    return cpu;
  }

  CpuSplit cpuSplit() {
    return cpuSplit;
  }

  ChangeEventProducer producer() {
    return producer;
  }

  DirectElasticsearch es() {
    return es;
  }

  ApiClient api() {
    return apiClient;
  }

  /** Searches through the API on the direct client's HTTP library, for timed comparisons. */
  ApiQueryClient apiQueries() {
    return apiQueries;
  }

  /** The bundled MobileNetV2, the same instance the indexer embeds with; opened on first use. */
  Embedder imageModel() {
    return models.find(ModelCatalog.MOBILENET_V2_NSFWJS).orElseThrow();
  }

  Path workDir() {
    return workDir;
  }

  Path brokerLog() {
    return kafka.logFile();
  }

  String elasticsearchVersion() {
    return elasticsearch.version();
  }

  private void awaitIndexerRunning() {
    long deadline = System.nanoTime() + INDEXER_START_TIMEOUT.toNanos();
    while (indexer.state() != KafkaStreams.State.RUNNING) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the indexer is " + indexer.state() + " after " + INDEXER_START_TIMEOUT);
      }
      Searchable.sleep(100);
    }
  }

  /** Stops the services and deletes the work files (state stores, images) but keeps the logs. */
  @Override
  public void close() throws Exception {
    producer.close();
    apiQueries.close();
    api.close();
    indexer.close();
    es.close();
    models.close();
    try (Stream<Path> files = Files.walk(workDir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        if (!file.toString().endsWith(".log")) {
          deleteUnlessHoldingLogs(file);
        }
      }
    }
  }

  private static void deleteUnlessHoldingLogs(Path file) throws IOException {
    try {
      Files.deleteIfExists(file);
    } catch (DirectoryNotEmptyException holdsALog) {
      // The logs stay, and so do their folders.
    }
  }
}
