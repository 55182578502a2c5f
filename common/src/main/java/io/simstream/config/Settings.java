package io.simstream.config;

import java.net.URI;
import java.util.List;
import java.util.Set;

/**
 * Every setting simstream reads, in one place. A setting {@code es.hosts} is read from the
 * environment variable {@code SIMSTREAM_ES_HOSTS}, else from the key {@code es.hosts} of the file
 * named by {@code SIMSTREAM_CONFIG_FILE}, else from its default.
 */
public final class Settings {
  private Settings() {
  }

  /** The file variable itself is only read from the environment. */
  public static final String CONFIG_FILE_ENV = "SIMSTREAM_CONFIG_FILE";

  public static final Setting<String> KAFKA_BOOTSTRAP_SERVERS = Setting.parsed("kafka.bootstrap.servers",
      "localhost:9092", KafkaBootstrapServers::parse, "comma-separated host:port entries",
      "Kafka bootstrap servers, comma separated");
  public static final Setting<String> TOPIC_CHANGES = Setting.nonBlank("topic.changes", "simstream.changes",
      "Sample change events, keyed by dataset/sampleId");
  public static final Setting<String> TOPIC_RUNS = Setting.nonBlank("topic.runs", "simstream.runs",
      "Compacted topic of similarity index definitions (runs), keyed by dataset/brainKey");
  public static final Setting<String> TOPIC_DATASETS = Setting.nonBlank("topic.datasets", "simstream.datasets",
      "Compacted topic of registered datasets, keyed by dataset name");
  public static final Setting<String> TOPIC_DEAD_LETTERS = Setting.nonBlank("topic.dead-letters",
      "simstream.dead-letters", "Events that could not be indexed, with the reason in a header");
  public static final Setting<Integer> TOPIC_PARTITIONS = Setting.intRange("topic.partitions", 3, 1, 10_000,
      "Partitions of the change topic when simstream creates it; never change it afterwards");
  public static final Setting<Integer> TOPIC_REPLICATION = Setting.intRange("topic.replication-factor", 1, 1, 16,
      "Replication factor of the topics simstream creates");

  public static final Setting<List<URI>> ES_HOSTS = Setting.parsed("es.hosts", "http://localhost:9200",
      ElasticsearchUrls::parse, "comma-separated http(s)://host[:port] URLs",
      "Elasticsearch URLs, comma separated; no port means 443 for https, 9200 for http");
  public static final Setting<String> ES_USERNAME = Setting.string("es.username", "", "Basic auth user");
  public static final Setting<String> ES_PASSWORD = Setting.string("es.password", "", "Basic auth password")
      .secret();
  public static final Setting<String> ES_API_KEY = Setting.parsed("es.api-key", "", ElasticsearchApiKey::parse,
      "empty, an encoded API key (base64 of id:api_key) or id:api_key",
      "API key, as Elasticsearch returns it in 'encoded' (instead of username/password, not with them)").secret();
  public static final Setting<String> ES_CA_CERT = Setting.parsed("es.ca-cert", "", CaCertificateFile::parse,
      "empty or a readable file of PEM certificates",
      "Path of the PEM CA certificate(s) that signed the https hosts' certificates");
  public static final Setting<String> ES_CA_FINGERPRINT = Setting.parsed("es.ca-fingerprint", "",
      CertificateFingerprint::parse, "empty or a SHA-256 fingerprint (64 hex digits, colons allowed)",
      "SHA-256 fingerprint of the https hosts' CA (or own) certificate, as Elasticsearch prints it at first start "
      + "(instead of es.ca-cert)");
  public static final Setting<Integer> ES_TIMEOUT_MS = Setting.intRange("es.timeout-ms", 30_000, 100, 600_000,
      "Socket timeout of Elasticsearch requests");

  public static final Setting<String> INDEXER_APPLICATION_ID = Setting.nonBlank("indexer.application-id",
      "simstream-indexer", "Kafka Streams application id (consumer group) of the indexer");
  public static final Setting<String> INDEXER_STATE_DIR = Setting.nonBlank("indexer.state-dir",
      System.getProperty("java.io.tmpdir") + "/simstream-indexer", "Local state directory of the indexer");
  public static final Setting<String> INDEXER_INSTANCE_ID = Setting.string("indexer.instance-id", "",
      "Stable id of this instance, unique in the application (e.g. the pod name): a restart then keeps its "
      + "partitions without a rebalance (Kafka static membership); empty = dynamic membership");
  public static final Setting<Integer> INDEXER_THREADS = Setting.intRange("indexer.threads", 1, 1, 64,
      "Stream threads per indexer instance");
  public static final Setting<Integer> INDEXER_BATCH_SIZE = Setting.intRange("indexer.batch.size", 500, 1, 100_000,
      "Changed samples gathered before embedding and writing");
  public static final Setting<Integer> INDEXER_BATCH_MAX_WAIT_MS = Setting.intRange("indexer.batch.max-wait-ms", 50,
      1, 60_000, "Longest time a change waits for its batch to fill");
  public static final Setting<Integer> INDEXER_EMBED_BATCH_SIZE = Setting.intRange("indexer.embed.batch-size", 64, 1,
      4096, "Images sent to the embedding model at once");
  public static final Setting<Integer> INDEXER_BULK_MAX_ACTIONS = Setting.intRange("indexer.bulk.max-actions", 1000,
      1, 100_000, "Operations per Elasticsearch bulk request");
  public static final Setting<Integer> INDEXER_BULK_MAX_BYTES = Setting.intRange("indexer.bulk.max-bytes",
      5 * 1024 * 1024, 1024, 100 * 1024 * 1024, "Bytes per Elasticsearch bulk request");
  public static final Setting<Integer> INDEXER_BULK_MAX_IN_FLIGHT = Setting.intRange("indexer.bulk.max-in-flight", 4,
      1, 64, "Batches being embedded or written at once per task; the stream thread waits beyond it");
  public static final Setting<Integer> INDEXER_IN_FLIGHT_MAX_BYTES = Setting.intRange("indexer.in-flight.max-bytes",
      64 * 1024 * 1024, 1024 * 1024, 1024 * 1024 * 1024,
      "Estimated bulk bytes in flight per task; the stream thread waits beyond it (backpressure)");
  public static final Setting<Integer> INDEXER_RETRY_MAX_MS = Setting.intRange("indexer.retry.max-ms", 120_000, 100,
      3_600_000, "How long a failing Elasticsearch write is retried before the stream thread restarts");
  public static final Setting<Integer> INDEXER_FAILURE_LOOP_EXIT_MS = Setting.intRange("indexer.failure-loop.exit-ms",
      900_000, 0, 86_400_000, "How long stream threads may keep failing (3 failures within the health window, not "
      + "counting Elasticsearch being out of reach) before the indexer exits with status 1 so that its orchestrator "
      + "restarts it; 0 = never");
  public static final Setting<Integer> INDEXER_COMMIT_INTERVAL_MS = Setting.intRange("indexer.commit-interval-ms",
      // At most the indexer's transaction timeout (IndexerStreamsConfig), which Kafka Streams refuses to start below.
      1_000, 10, 15_000, "How often the indexer commits its exactly-once transaction. Writes to Elasticsearch do not "
      + "wait for commits, so this bounds only the replay after a crash (idempotent) and how late dead letters "
      + "show; each commit blocks the stream thread for a broker round trip");
  public static final Setting<String> INDEXER_PROCESSING_GUARANTEE = Setting.choice("indexer.processing-guarantee",
      "exactly_once_v2", java.util.Set.of("exactly_once_v2", "at_least_once"),
      "Kafka Streams processing guarantee. Both converge (writes come from the current state with versions, see "
      + "docs/indexer.md); at_least_once has no transactions (cheaper commits, restarts without restoring the "
      + "stores) and may repeat dead letters after a crash");
  public static final Setting<Integer> INDEXER_ADMIN_PORT = Setting.intRange("indexer.admin-port", 9401, 0, 65_535,
      "Port of the indexer's /metrics and /health endpoints (0 = any free port)");
  public static final Setting<Integer> INDEXER_BACKFILL_CHUNK = Setting.intRange("indexer.backfill.chunk", 500, 1,
      100_000, "Samples read from the dataset state per backfill step (bounds heap use)");

  public static final Setting<Integer> API_PORT = Setting.intRange("api.port", 8080, 0, 65_535,
      "Port of the query API (0 = any free port)");
  public static final Setting<String> API_TOKEN = Setting.string("api.token", "",
      "Bearer token required on every route but health, ready and metrics (empty = no auth)").secret();
  public static final Setting<java.util.OptionalInt> API_METRICS_PORT = Setting.parsed("api.metrics-port", "",
      MetricsPort::parse, "empty or an integer in [0, 65535]",
      "Serve /metrics on this port instead of api.port (0 = any free port; empty = on api.port)");
  public static final Setting<Boolean> API_METRICS_AUTH = Setting.bool("api.metrics-auth", false,
      "Whether /metrics needs the bearer token (api.token) like the API routes");

  public static final Setting<String> EMBEDDING_ENGINE = Setting.choice("embedding.engine", "auto",
      java.util.Set.of("auto", "cpu", "tensorrt"), "auto (TensorRT when a GPU is usable, else CPU), cpu or tensorrt");
  public static final Setting<String> EMBEDDING_CLIP_DIR = Setting.string("embedding.clip-dir", "",
      "Directory with user-supplied CLIP ONNX towers and tokenizer.json (enables the clip-onnx model)");
  public static final Setting<Integer> EMBEDDING_IMAGE_TIMEOUT_MS = Setting.intRange("embedding.image-timeout-ms",
      // Under the indexer's 15 s transaction timeout (IndexerStreamsConfig): a backfill chunk fetches on the stream thread.
      10_000, 100, 12_000, "Longest time to fetch one image");
  public static final Setting<Integer> EMBEDDING_MAX_IMAGE_BYTES = Setting.intRange("embedding.max-image-bytes",
      32 * 1024 * 1024, 1024, Integer.MAX_VALUE, "Larger image files or downloads fail (dead letter)");
  public static final Setting<String> EMBEDDING_CACHE_DIR = Setting.nonBlank("embedding.cache-dir",
      System.getProperty("java.io.tmpdir") + "/simstream-embedding",
      "Where the bundled model is unpacked and TensorRT inputs are cached");

  // s3:// images; credentials come from the AWS SDK's default chain (AWS_ACCESS_KEY_ID, profiles, roles).
  public static final Setting<String> S3_ENDPOINT = Setting.parsed("s3.endpoint", "", S3Endpoint::parse,
      "empty or an http(s)://host[:port] URL",
      "Endpoint of an S3-compatible store for s3:// images (e.g. http://minio:9000); empty = AWS S3");
  public static final Setting<String> S3_REGION = Setting.string("s3.region", "",
      "Region of the s3:// buckets; empty = the AWS SDK's region chain (AWS_REGION, profile), else us-east-1");
  public static final Setting<Boolean> S3_PATH_STYLE = Setting.bool("s3.path-style", false,
      "Address objects as endpoint/bucket/key rather than bucket.endpoint/key (MinIO and most S3-compatible stores)");

  // Read by logback (common/src/main/resources/logback.xml) from the environment when logging starts.
  public static final Setting<String> LOG_LEVEL = Setting.logLevel("log.level", "info",
      "Level of simstream's loggers and of every library without its own level below (environment only)");
  public static final Setting<String> LOG_LEVEL_KAFKA = Setting.logLevel("log.level.kafka", "warn",
      "Level of the Kafka client and Streams loggers, which print whole configurations at info (environment only)");
  public static final Setting<String> LOG_FORMAT = Setting.logChoice("log.format", "text", Set.of("text", "json"),
      "text (one line per event) or json (logback's JsonEncoder, one JSON object per line) (environment only)");

  /**
   * SIMSTREAM_* variables that are not settings of the services: the embedded servers of the local run and
   * the tests read them (embedded-servers/README.md). Known here so that they draw no unknown-name warning.
   */
  public static final Set<String> LOCAL_SERVER_VARIABLES = Set.of("SIMSTREAM_ES_VERSION", "SIMSTREAM_ES_DIST_DIR",
      "SIMSTREAM_ES_JAVA_HOME", "SIMSTREAM_KAFKA_BROKER_LIB_DIR");

  /** All settings, for validation and documentation. */
  public static final List<Setting<?>> ALL = List.of(
      KAFKA_BOOTSTRAP_SERVERS, TOPIC_CHANGES, TOPIC_RUNS, TOPIC_DATASETS, TOPIC_DEAD_LETTERS, TOPIC_PARTITIONS,
      TOPIC_REPLICATION, ES_HOSTS, ES_USERNAME, ES_PASSWORD, ES_API_KEY, ES_CA_CERT, ES_CA_FINGERPRINT, ES_TIMEOUT_MS,
      INDEXER_APPLICATION_ID, INDEXER_STATE_DIR, INDEXER_INSTANCE_ID, INDEXER_THREADS, INDEXER_BATCH_SIZE,
      INDEXER_BATCH_MAX_WAIT_MS,
      INDEXER_EMBED_BATCH_SIZE, INDEXER_BULK_MAX_ACTIONS, INDEXER_BULK_MAX_BYTES, INDEXER_BULK_MAX_IN_FLIGHT,
      INDEXER_IN_FLIGHT_MAX_BYTES, INDEXER_RETRY_MAX_MS, INDEXER_FAILURE_LOOP_EXIT_MS, INDEXER_COMMIT_INTERVAL_MS, INDEXER_PROCESSING_GUARANTEE,
      INDEXER_ADMIN_PORT, INDEXER_BACKFILL_CHUNK, API_PORT, API_TOKEN, API_METRICS_PORT, API_METRICS_AUTH, EMBEDDING_ENGINE,
      EMBEDDING_CLIP_DIR, EMBEDDING_IMAGE_TIMEOUT_MS, EMBEDDING_MAX_IMAGE_BYTES, EMBEDDING_CACHE_DIR,
      S3_ENDPOINT, S3_REGION, S3_PATH_STYLE, LOG_LEVEL,
      LOG_LEVEL_KAFKA, LOG_FORMAT);
}
