package io.simstream.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Elasticsearch (the integ-test-zip distribution) on free loopback ports, run as a child
 * process tree (the CLI launcher and the server JVM below it). Config, data and logs live in the work dir.
 * A shutdown hook stops it; on Linux it also dies when this JVM is killed.
 */
public final class ElasticsearchNode implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ElasticsearchNode.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
  private static final Duration STOP_GRACE = Duration.ofSeconds(20);

  private final String version;
  private final String httpUrl;
  private final Process process;
  private final long serverPid;
  private final Path logFile;
  private final Thread shutdownHook;

  private ElasticsearchNode(String version, String httpUrl, Process process, long serverPid, Path logFile) {
    this.version = version;
    this.httpUrl = httpUrl;
    this.process = process;
    this.serverPid = serverPid;
    this.logFile = logFile;
    this.shutdownHook = new Thread(this::stopTree, "stop-elasticsearch-" + serverPid);
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Starts Elasticsearch {@code version} (unpacked by the build, see {@link ServerLayout}) with its files in
   * {@code workDir}, and returns once the cluster is at least yellow. As root, the node runs as user
   * simstream-es, which must be able to pass through every folder above {@code workDir}.
   */
  public static ElasticsearchNode start(String version, Path workDir) {
    long started = System.nanoTime();
    Path home = EsDist.home(version);
    Path javaHome = EsJava.home(version);
    Path dir = workDir.toAbsolutePath();
    Path config = writeConfig(home, dir);
    boolean switchUser = EsUser.needed();
    if (switchUser) {
      EsUser.ensureExists();
      EsUser.checkCanReach(dir);
      EsUser.checkCanReach(javaHome.resolve("bin/java"));
      EsUser.chown(dir);
    }

    Map<String, String> env = new HashMap<>();
    env.put("ES_JAVA_HOME", javaHome.toString());
    env.put("ES_PATH_CONF", config.toString());
    // A set ES_TMPDIR saves the launcher a JVM start and keeps the node's temp files in the work dir.
    env.put("ES_TMPDIR", dir.resolve("tmp").toString());
    env.put("ES_JAVA_OPTS", null);
    env.put("JAVA_HOME", null);
    Path logFile = dir.resolve("elasticsearch.out");
    Path pidFile = dir.resolve("run/elasticsearch.pid");
    Process process = Processes.start(
        List.of(home.resolve("bin/elasticsearch").toString(), "-p", pidFile.toString()),
        switchUser ? EsUser.setprivOptions() : List.of(), env, dir, logFile);
    try {
      String httpUrl = awaitReady(process, dir.resolve("logs/http.ports"), logFile);
      long serverPid = Long.parseLong(readFirstLine(pidFile));
      log.info("Elasticsearch {} at {} ready in {} ms (server pid {}, java {}, log {})", version, httpUrl,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), serverPid, javaHome, logFile);
      return new ElasticsearchNode(version, httpUrl, process, serverPid, logFile);
    } catch (RuntimeException e) {
      Processes.killTree(process.toHandle());
      throw e;
    }
  }

  /** The HTTP endpoint, e.g. {@code http://127.0.0.1:40603}. */
  public String httpUrl() {
    return httpUrl;
  }

  public String version() {
    return version;
  }

  /** The pid of the Elasticsearch server JVM (not of its CLI launcher). */
  public long pid() {
    return serverPid;
  }

  /** The launcher's and the server's console output. */
  public Path logFile() {
    return logFile;
  }

  /** Stops the node (graceful, SIGKILL to the whole tree after 20 s) and waits until it is gone. */
  @Override
  public void close() {
    stopTree();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shutdownInProgress) {
      // The hook is already running or done; nothing to remove.
    }
  }

  // Synchronized: close() and the shutdown hook may run at the same time.
  private synchronized void stopTree() {
    if (process.isAlive()) {
      // SIGTERM to the launcher, which asks the server to shut down and waits for it.
      Processes.stopTree(process.toHandle(), STOP_GRACE);
      log.info("stopped Elasticsearch {} at {}", version, httpUrl);
    }
    ProcessHandle.of(serverPid).ifPresent(Processes::killTree);
  }

  /** A per-node config folder: the distribution's defaults plus this node's settings. */
  private static Path writeConfig(Path home, Path dir) {
    Path config = dir.resolve("config");
    String settings = String.join("\n",
        "cluster.name: simstream",
        "node.name: simstream-node",
        "network.host: 127.0.0.1",
        // Port 0 lets the OS choose, so concurrent JVMs never race for a port; node.portsfile writes the
        // chosen ones to logs/http.ports.
        "http.port: 0",
        "transport.port: 0",
        "node.portsfile: true",
        "discovery.type: single-node",
        "xpack.security.enabled: false",
        // Tests share a disk with builds: watermarks would make indices read-only when it fills up.
        "cluster.routing.allocation.disk.threshold_enabled: false",
        "path.data: " + dir.resolve("data"),
        "path.logs: " + dir.resolve("logs"),
        "");
    try {
      for (String sub : List.of("data", "logs", "tmp", "run")) {
        Files.createDirectories(dir.resolve(sub));
      }
      Dirs.copyTree(home.resolve("config"), config);
      Files.writeString(config.resolve("elasticsearch.yml"), settings, StandardCharsets.UTF_8);
      Files.createDirectories(config.resolve("jvm.options.d"));
      Files.writeString(config.resolve("jvm.options.d/heap.options"), "-Xms512m\n-Xmx512m\n",
          StandardCharsets.UTF_8);
      return config;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits for the ports file, then for {@code _cluster/health} to be yellow ({@code GET /} is 405 here). */
  private static String awaitReady(Process process, Path portsFile, Path logFile) {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (!Files.exists(portsFile)) {
      checkRunning(process, deadline, logFile);
      sleep(100);
    }
    String httpUrl = "http://" + readFirstLine(portsFile);
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest health = HttpRequest.newBuilder(
            URI.create(httpUrl + "/_cluster/health?wait_for_status=yellow&timeout=5s"))
        .timeout(Duration.ofSeconds(10))
        .build();
    while (true) {
      checkRunning(process, deadline, logFile);
      try {
        HttpResponse<String> response = client.send(health, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200 && !response.body().contains("\"timed_out\":true")) {
          return httpUrl;
        }
        log.debug("Elasticsearch not ready yet: {} {}", response.statusCode(), response.body());
      } catch (ConnectException notListeningYet) {
        sleep(100);
      } catch (IOException e) {
        log.debug("Elasticsearch not ready yet: {}", e.toString());
        sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for Elasticsearch", e);
      }
    }
  }

  /** Ports and pid files: written (the ports file atomically) before the node answers requests. */
  private static String readFirstLine(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8).get(0).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static void checkRunning(Process process, long deadline, Path logFile) {
    if (!process.isAlive()) {
      throw new IllegalStateException("Elasticsearch exited during start (exit " + process.exitValue() + "), log "
          + logFile + ":\n" + Processes.tail(logFile, 40));
    }
    if (System.nanoTime() > deadline) {
      throw new IllegalStateException("Elasticsearch not ready after " + START_TIMEOUT + ", log " + logFile
          + ":\n" + Processes.tail(logFile, 40));
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Elasticsearch", e);
    }
  }
}
