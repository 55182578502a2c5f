package io.simstream.bench;

import io.simstream.config.Settings;
import io.simstream.config.SimstreamConfig;
import io.simstream.servers.ChildJvm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The indexer as operators run it: IndexerMain in a JVM of its own, configured by environment
 * variables. Its writes are read from its admin {@code /metrics}: the counter of documents
 * Elasticsearch took, which only a successful bulk item moves, so the first increase of a fresh
 * process is its first write.
 */
final class ChildIndexer {
  static final String MAIN_CLASS = "io.simstream.indexer.IndexerMain";
  /** Prometheus name of IndexerMetrics' {@code simstream.indexer.documents.written} counter (all actions). */
  static final String WRITES_METRIC = "simstream_indexer_documents_written_total";
  private static final long POLL_MS = 50;
  /** A classpath resource: Kafka Streams' state transitions and restores at INFO, unlike the bench's own log. */
  private static final String CHILD_LOG_CONFIG = "child-indexer-logback.xml";

  private final ChildJvm jvm;
  private final int adminPort;
  private final long startedNanos;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private ChildIndexer(ChildJvm jvm, int adminPort, long startedNanos) {
    this.jvm = jvm;
    this.adminPort = adminPort;
    this.startedNanos = startedNanos;
  }

  /** Starts an indexer configured like {@code config}, on a free admin port so that its metrics can be read. */
  static ChildIndexer start(SimstreamConfig config, List<String> jvmArgs, Path log) {
    int adminPort = freePort();
    Map<String, String> env = environment(config.with(Map.of(Settings.INDEXER_ADMIN_PORT, String.valueOf(adminPort))));
    long started = System.nanoTime();
    List<String> args = new ArrayList<>(jvmArgs);
    args.add("-Dlogback.configurationFile=" + CHILD_LOG_CONFIG);
    return new ChildIndexer(ChildJvm.start(MAIN_CLASS, args, env, log), adminPort, started);
  }

  /** Every setting of {@code config} as an environment variable, so that no config file of the machine leaks in. */
  static Map<String, String> environment(SimstreamConfig config) {
    Map<String, String> env = new HashMap<>(config.asEnvironment());
    env.put(Settings.CONFIG_FILE_ENV, null);
    return env;
  }

  /** System.nanoTime() just before the JVM was launched. */
  long startedNanos() {
    return startedNanos;
  }

  boolean isAlive() {
    return jvm.isAlive();
  }

  Path logFile() {
    return jvm.logFile();
  }

  /** SIGKILL: no shutdown hook, no last commit, as a crash. */
  void kill() {
    jvm.kill();
  }

  void stop() {
    if (jvm.isAlive()) {
      jvm.stop();
    }
  }

  /** Documents Elasticsearch took from this process so far; empty while its admin server does not answer. */
  OptionalLong documentsWritten() {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/metrics"))
        .timeout(Duration.ofSeconds(5)).build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        return OptionalLong.empty();
      }
      return OptionalLong.of(sumOf(response.body()));
    } catch (IOException notUpYet) {
      return OptionalLong.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * Waits until this process has written more than {@code baseline} documents and returns the
   * System.nanoTime() of the poll that saw it; empty after {@code timeout} or if the process died.
   */
  OptionalLong awaitWritesBeyond(long baseline, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline && jvm.isAlive()) {
      OptionalLong written = documentsWritten();
      if (written.isPresent() && written.getAsLong() > baseline) {
        return OptionalLong.of(System.nanoTime());
      }
      Searchable.sleep(POLL_MS);
    }
    return OptionalLong.empty();
  }

  private static long sumOf(String prometheusText) {
    double sum = 0;
    boolean found = false;
    for (String line : prometheusText.split("\n")) {
      if (line.startsWith(WRITES_METRIC + "{") || line.startsWith(WRITES_METRIC + " ")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        found = true;
      }
    }
    if (!found) {
      throw new IllegalStateException("the indexer's /metrics has no " + WRITES_METRIC
          + ": the chaos case reads first writes from it");
    }
    return (long) sum;
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
