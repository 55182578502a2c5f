package io.simstream.servers;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kafka broker and one Elasticsearch node per JVM, started on first use and shared by every test in it,
 * stopped when the JVM exits. Files go to {@code ${java.io.tmpdir}/simstream-servers/run-<time>-<pid>/}; on
 * exit the data folders are deleted and the logs kept.
 */
public final class LocalServers {

  private static final Logger log = LoggerFactory.getLogger(LocalServers.class);

  // Each server has its own lock, so they can start at the same time from several threads.
  private static final Shared<KafkaBroker> KAFKA = new Shared<>(() -> "kafka", KafkaBroker::start);
  private static final Shared<KafkaBroker> SECURE_KAFKA = new Shared<>(() -> "kafka-secure",
      KafkaBroker::startSecure);
  private static final Shared<ElasticsearchNode> ELASTICSEARCH = new Shared<>(
      () -> "elasticsearch-" + esVersion(), dir -> ElasticsearchNode.start(esVersion(), dir));
  private static final Shared<ElasticsearchNode> SECURED_ELASTICSEARCH = new Shared<>(
      () -> "elasticsearch-secured-" + esVersion(), dir -> ElasticsearchNode.startSecured(esVersion(), dir,
          new ElasticsearchNode.Credentials("simstream-admin", "admin-" + UUID.randomUUID())));
  private static Path runDir;

  private LocalServers() {
  }

  public static KafkaBroker kafka() {
    return KAFKA.get();
  }

  /**
   * A second broker, with SASL_SSL and mutual TLS listeners besides the plain one ({@link KafkaBroker#startSecure}),
   * for the tests of secured connections; started on first use, like {@link #kafka()}.
   */
  public static KafkaBroker secureKafka() {
    return SECURE_KAFKA.get();
  }

  /** The node of {@link #esVersion()}. */
  public static ElasticsearchNode elasticsearch() {
    return ELASTICSEARCH.get();
  }

  /**
   * A second node of {@link #esVersion()}, with security on and a superuser ({@link ElasticsearchNode#startSecured}),
   * for the tests of roles; started on first use, like {@link #elasticsearch()}.
   */
  public static ElasticsearchNode securedElasticsearch() {
    return SECURED_ELASTICSEARCH.get();
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

  /** A server started in its folder of the run on first use, stopped (its data deleted, its logs kept) at exit. */
  private static final class Shared<T extends AutoCloseable> {
    private final Supplier<String> folder;
    private final Function<Path, T> start;
    private T server;

    Shared(Supplier<String> folder, Function<Path, T> start) {
      this.folder = folder;
      this.start = start;
    }

    synchronized T get() {
      if (server == null) {
        String name = folder.get();
        Path dir = runDir().resolve(name);
        T started = start.apply(dir);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          try {
            started.close();
          } catch (Exception e) {
            log.warn("stopping the local {} failed", name, e);
          }
          Dirs.deleteTree(dir.resolve("data"));
        }, "stop-local-" + name));
        server = started;
      }
      return server;
    }
  }
}
