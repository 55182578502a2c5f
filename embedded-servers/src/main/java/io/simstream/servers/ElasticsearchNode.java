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
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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

  /** A user's name and password. */
  public record Credentials(String name, String password) {
    /** The value of an {@code Authorization} header that authenticates as this user. */
    public String authorization() {
      return "Basic " + Base64.getEncoder().encodeToString((name + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
  }

  private final String version;
  private final String httpUrl;
  private final Process process;
  private final long serverPid;
  private final Path logFile;
  private final Credentials superuser;
  private final FileRealm fileRealm;
  private final Thread shutdownHook;

  private ElasticsearchNode(String version, String httpUrl, Process process, long serverPid, Path logFile,
                            Credentials superuser, FileRealm fileRealm) {
    this.version = version;
    this.superuser = superuser;
    this.fileRealm = fileRealm;
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
    return start(version, workDir, null);
  }

  /**
   * As {@link #start(String, Path)}, with security on (authentication and roles; plain HTTP, as TLS is tested
   * elsewhere) and {@code superuser} in the node's file realm, with the {@code superuser} role.
   */
  public static ElasticsearchNode startSecured(String version, Path workDir, Credentials superuser) {
    return start(version, workDir, Objects.requireNonNull(superuser));
  }

  private static ElasticsearchNode start(String version, Path workDir, Credentials superuser) {
    long started = System.nanoTime();
    Path home = EsDist.home(version);
    Path javaHome = EsJava.home(version);
    Path dir = workDir.toAbsolutePath();
    Path config = writeConfig(home, dir, superuser != null);
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
    List<String> asNodeUser = switchUser ? EsUser.setprivOptions() : List.of();
    FileRealm fileRealm = superuser == null ? null : new FileRealm(home, config, asNodeUser, env, dir, logFile);
    if (fileRealm != null) {
      fileRealm.addUser(superuser.name(), superuser.password(), List.of("superuser"));
    }
    Path pidFile = dir.resolve("run/elasticsearch.pid");
    Process process = Processes.start(
        List.of(home.resolve("bin/elasticsearch").toString(), "-p", pidFile.toString()),
        asNodeUser, env, dir, logFile);
    try {
      String httpUrl = awaitReady(process, dir.resolve("logs/http.ports"), logFile, superuser);
      long serverPid = Long.parseLong(readFirstLine(pidFile));
      log.info("Elasticsearch {} at {} ready in {} ms (server pid {}, java {}, security {}, log {})", version,
          httpUrl, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), serverPid, javaHome,
          superuser != null ? "on" : "off", logFile);
      return new ElasticsearchNode(version, httpUrl, process, serverPid, logFile, superuser, fileRealm);
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

  /** The superuser of a node started by {@link #startSecured}; empty when security is off. */
  public Optional<Credentials> superuser() {
    return Optional.ofNullable(superuser);
  }

  /**
   * Adds a user of the file realm with {@code roles}, on a node started by {@link #startSecured}. The node sees it
   * within a second (wait for {@code _security/_authenticate} to take it).
   */
  public void addUser(Credentials user, List<String> roles) {
    secured().addUser(user.name(), user.password(), roles);
  }

  /**
   * Replaces the node's file roles with {@code yaml} (role name to role body; the JSON of a role request is
   * valid there, indented under its name), on a node started by {@link #startSecured}. Read within a second.
   */
  public void writeRoles(String yaml) {
    secured().writeRoles(yaml);
  }

  private FileRealm secured() {
    if (fileRealm == null) {
      throw new IllegalStateException("Elasticsearch at " + httpUrl + " runs without security: use startSecured");
    }
    return fileRealm;
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
  private static Path writeConfig(Path home, Path dir, boolean secured) {
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
        "xpack.security.enabled: " + secured,
        // Single node, loopback only: TLS would add nothing but certificates to the tests of roles.
        "xpack.security.http.ssl.enabled: false",
        "xpack.security.transport.ssl.enabled: false",
        // How often the node reads its file realm and roles again (5 s by default).
        "resource.reload.interval.high: 1s",
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
  private static String awaitReady(Process process, Path portsFile, Path logFile, Credentials superuser) {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (!Files.exists(portsFile)) {
      checkRunning(process, deadline, logFile);
      sleep(100);
    }
    String httpUrl = "http://" + readFirstLine(portsFile);
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest.Builder healthRequest = HttpRequest.newBuilder(
            URI.create(httpUrl + "/_cluster/health?wait_for_status=yellow&timeout=5s"))
        .timeout(Duration.ofSeconds(10));
    if (superuser != null) {
      healthRequest.header("Authorization", superuser.authorization());
    }
    HttpRequest health = healthRequest.build();
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
