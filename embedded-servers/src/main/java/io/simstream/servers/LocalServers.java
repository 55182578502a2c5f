package io.simstream.servers;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kafka broker and one Elasticsearch node per JVM, started on first use and shared by every test in it,
 * stopped when the JVM exits. Files go to {@code ${java.io.tmpdir}/simstream-servers/run-<time>-<pid>/}; on
 * exit the data folders are deleted and the logs kept.
 */
public final class LocalServers {

  private static final Logger log = LoggerFactory.getLogger(LocalServers.class);

  // Separate locks, so the two servers can start at the same time from two threads.
  private static final Object KAFKA_LOCK = new Object();
  private static final Object ES_LOCK = new Object();
  private static KafkaBroker kafka;
  private static KafkaBroker secureKafka;
  private static ElasticsearchNode elasticsearch;
  private static ElasticsearchNode securedElasticsearch;
  private static Path runDir;

  private LocalServers() {
  }

  public static KafkaBroker kafka() {
    synchronized (KAFKA_LOCK) {
      if (kafka == null) {
        Path dir = runDir().resolve("kafka");
        kafka = KafkaBroker.start(dir);
        onExit("stop-local-kafka", () -> {
          kafka.close();
          Dirs.deleteTree(dir.resolve("data"));
        });
      }
      return kafka;
    }
  }

  /**
   * A second broker, with SASL_SSL and mutual TLS listeners besides the plain one ({@link KafkaBroker#startSecure}),
   * for the tests of secured connections; started on first use, like {@link #kafka()}.
   */
  public static KafkaBroker secureKafka() {
    synchronized (KAFKA_LOCK) {
      if (secureKafka == null) {
        Path dir = runDir().resolve("kafka-secure");
        secureKafka = KafkaBroker.startSecure(dir);
        onExit("stop-local-secure-kafka", () -> {
          secureKafka.close();
          Dirs.deleteTree(dir.resolve("data"));
        });
      }
      return secureKafka;
    }
  }

  /** The node of {@link #esVersion()}. */
  public static ElasticsearchNode elasticsearch() {
    synchronized (ES_LOCK) {
      if (elasticsearch == null) {
        String version = esVersion();
        Path dir = runDir().resolve("elasticsearch-" + version);
        elasticsearch = ElasticsearchNode.start(version, dir);
        onExit("stop-local-elasticsearch", () -> {
          elasticsearch.close();
          Dirs.deleteTree(dir.resolve("data"));
        });
      }
      return elasticsearch;
    }
  }

  /**
   * A second node of {@link #esVersion()}, with security on and a superuser ({@link ElasticsearchNode#startSecured}),
   * for the tests of roles; started on first use, like {@link #elasticsearch()}.
   */
  public static ElasticsearchNode securedElasticsearch() {
    synchronized (ES_LOCK) {
      if (securedElasticsearch == null) {
        String version = esVersion();
        Path dir = runDir().resolve("elasticsearch-secured-" + version);
        securedElasticsearch = ElasticsearchNode.startSecured(version, dir,
            new ElasticsearchNode.Credentials("simstream-admin", "admin-" + UUID.randomUUID()));
        onExit("stop-local-secured-elasticsearch", () -> {
          securedElasticsearch.close();
          Dirs.deleteTree(dir.resolve("data"));
        });
      }
      return securedElasticsearch;
    }
  }

  /** Starts both servers at once (each takes seconds, mostly waiting) and returns when both are ready. */
  public static void startAll() {
    CompletableFuture<ElasticsearchNode> es = CompletableFuture.supplyAsync(LocalServers::elasticsearch);
    kafka();
    es.join();
  }

  /** System property {@code simstream.es.version}, else env SIMSTREAM_ES_VERSION, else the version built. */
  public static String esVersion() {
    return ServerLayout.esVersion();
  }

  private static synchronized Path runDir() {
    if (runDir == null) {
      String name = "run-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
          + "-" + ProcessHandle.current().pid();
      // Every folder on the way must let the Elasticsearch user through, whatever the umask.
      Path parent = Dirs.worldTraversable(Path.of(System.getProperty("java.io.tmpdir"), "simstream-servers"));
      runDir = Dirs.worldTraversable(parent.resolve(name));
      log.info("local servers keep their files in {}", runDir);
    }
    return runDir;
  }

  private static void onExit(String name, Runnable action) {
    Runtime.getRuntime().addShutdownHook(new Thread(action, name));
  }
}
