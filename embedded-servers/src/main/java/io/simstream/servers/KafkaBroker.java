package io.simstream.servers;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker (KRaft, broker and controller in one process, node 1) in a child JVM on free loopback
 * ports, configured so that exactly-once processing works with a single broker.
 */
public final class KafkaBroker implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(KafkaBroker.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  private static final String SCRAM_USER = "simstream";

  private final ChildJvm jvm;
  private final String bootstrapServers;
  private final SecureListeners secure;

  private KafkaBroker(ChildJvm jvm, String bootstrapServers, SecureListeners secure) {
    this.jvm = jvm;
    this.bootstrapServers = bootstrapServers;
    this.secure = secure;
  }

  /**
   * Formats storage under {@code workDir} (a new or empty folder), starts the broker and returns once it
   * answers metadata requests.
   */
  public static KafkaBroker start(Path workDir) {
    return start(workDir, null);
  }

  /**
   * Like {@link #start(Path)}, with two more listeners: SASL_SSL (SCRAM-SHA-512, one user) and SSL requiring a
   * client certificate. The certificate authority and stores are generated under {@code workDir/tls}.
   */
  public static KafkaBroker startSecure(Path workDir) {
    return start(workDir, TlsFiles.generate(workDir.toAbsolutePath().resolve("tls")));
  }

  private static KafkaBroker start(Path workDir, TlsFiles tls) {
    Path dir = workDir.toAbsolutePath();
    for (int attempt = 1; ; attempt++) {
      try {
        return startOnce(dir, tls);
      } catch (PortTaken e) {
        // The ports were free when picked, but another process bound one before the broker did.
        if (attempt == 3) {
          throw e;
        }
        log.warn("Kafka broker could not bind its ports, retrying with others");
        Dirs.deleteTree(dir.resolve("data"));
      }
    }
  }

  private static KafkaBroker startOnce(Path dir, TlsFiles tls) {
    long started = System.nanoTime();
    String classpath = ServerLayout.kafkaBrokerLib().resolve("*").toString();
    int[] ports = FreePorts.pick(tls == null ? 2 : 4);
    String bootstrap = "127.0.0.1:" + ports[0];
    Path config = writeConfig(dir, ports, tls);
    Path logFile = dir.resolve("kafka.log");
    List<String> jvmArgs = List.of("-Dlogback.configurationFile=" + writeLogbackConfig(dir));

    // A short-lived tool: the cheapest JIT and GC start fastest.
    ChildJvm format = ChildJvm.start(classpath, "kafka.tools.StorageTool",
        concat(jvmArgs, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"),
        List.of("format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()), Map.of(), logFile);
    int formatExit;
    try {
      formatExit = format.waitFor(START_TIMEOUT);
    } catch (IllegalStateException stillRunning) {
      format.kill();
      throw stillRunning;
    }
    if (formatExit != 0) {
      throw new IllegalStateException("formatting Kafka storage failed (exit " + formatExit + "), log "
          + logFile + ":\n" + Processes.tail(logFile, 30));
    }

    long logStart = size(logFile);
    ChildJvm broker = ChildJvm.start(classpath, "kafka.Kafka",
        concat(jvmArgs, "-Xmx512m", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-Djava.awt.headless=true"),
        List.of(config.toString()), Map.of(), logFile);
    try {
      awaitReady(broker, ports[0], logStart);
    } catch (RuntimeException e) {
      broker.kill();
      throw e;
    }
    SecureListeners secure = null;
    if (tls != null) {
      String password = UUID.randomUUID().toString();
      try {
        addScramUser(bootstrap, SCRAM_USER, password);
      } catch (RuntimeException e) {
        broker.kill();
        throw e;
      }
      secure = new SecureListeners("127.0.0.1:" + ports[2], "127.0.0.1:" + ports[3], tls, SCRAM_USER, password);
    }
    log.info("Kafka broker at {} ready in {} ms (pid {}, log {}){}", bootstrap,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), broker.pid(), logFile,
        secure == null ? "" : ", SASL_SSL at " + secure.saslSslBootstrapServers() + ", mTLS at "
            + secure.sslBootstrapServers());
    return new KafkaBroker(broker, bootstrap, secure);
  }

  /**
   * Adds a SCRAM-SHA-512 user to a broker started by {@link #startSecure}, named {@code prefix} and a random
   * suffix (so tests sharing the broker never share a user), with a random password. Unlike the broker's own user
   * it is no super user: it may do only what ACLs allow (for tests of least-privilege ACLs).
   */
  public ScramUser addScramUser(String prefix) {
    ScramUser user = new ScramUser(prefix + "-" + UUID.randomUUID().toString().substring(0, 8),
        UUID.randomUUID().toString());
    addScramUser(bootstrapServers, user.name(), user.password());
    return user;
  }

  /** The SCRAM credential is metadata in KRaft: written through the plain listener once the broker runs. */
  private static void addScramUser(String bootstrap, String user, String password) {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
          new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password))).all()
          .get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot add the SCRAM user to the Kafka broker: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while adding the SCRAM user", e);
    }
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The SASL_SSL and mutual TLS listeners, or empty for a broker started with {@link #start(Path)}. */
  public Optional<SecureListeners> secureListeners() {
    return Optional.ofNullable(secure);
  }

  public long pid() {
    return jvm.pid();
  }

  public Path logFile() {
    return jvm.logFile();
  }

  /** Stops the broker (graceful shutdown, SIGKILL after 20 s) and waits until the process is gone. */
  @Override
  public void close() {
    if (jvm.isAlive()) {
      jvm.stop();
    }
  }

  private static Path writeConfig(Path dir, int[] ports, TlsFiles tls) {
    int port = ports[0];
    int controllerPort = ports[1];
    String listeners = "PLAINTEXT://127.0.0.1:" + port;
    String protocols = "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT";
    if (tls != null) {
      listeners += ",SASL_SSL://127.0.0.1:" + ports[2] + ",SSL://127.0.0.1:" + ports[3];
      protocols += ",SASL_SSL:SASL_SSL,SSL:SSL";
    }
    String config = String.join("\n",
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
        "listeners=" + listeners + ",CONTROLLER://127.0.0.1:" + controllerPort,
        "advertised.listeners=" + listeners,
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        "listener.security.protocol.map=" + protocols,
        "log.dirs=" + dir.resolve("data"),
        "num.partitions=1",
        // One broker: every internal topic needs replication factor 1 (and exactly-once needs min.isr 1).
        "offsets.topic.replication.factor=1",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1",
        // Few partitions for internal topics: created on first use, which a test waits for.
        "offsets.topic.num.partitions=1",
        "transaction.state.log.num.partitions=1",
        "group.initial.rebalance.delay.ms=0",
        tls == null ? "" : secureListenerConfig(tls),
        "");
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve("server.properties");
      Files.writeString(file, config, StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String secureListenerConfig(TlsFiles tls) {
    return String.join("\n",
        // ACLs are enforced for every other principal; the plain listener and the controller (ANONYMOUS), the
        // SCRAM user and the client certificate of SecureListeners may do anything.
        "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
        "super.users=User:ANONYMOUS;User:" + SCRAM_USER + ";User:" + TlsFiles.CLIENT_DN,
        "sasl.enabled.mechanisms=" + SecureListeners.SCRAM_MECHANISM,
        "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config="
            + "org.apache.kafka.common.security.scram.ScramLoginModule required;",
        "listener.name.ssl.ssl.client.auth=required",
        "ssl.keystore.type=PKCS12",
        "ssl.keystore.location=" + tls.brokerKeystore(),
        "ssl.keystore.password=" + tls.password(),
        "ssl.key.password=" + tls.password(),
        "ssl.truststore.type=PKCS12",
        "ssl.truststore.location=" + tls.truststore(),
        "ssl.truststore.password=" + tls.password());
  }

  private static Path writeLogbackConfig(Path dir) {
    Path file = dir.resolve("logback.xml");
    try (InputStream in = KafkaBroker.class.getResourceAsStream("kafka-broker-logback.xml")) {
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A TCP connect first (quiet), then a metadata request that lists this broker (registered, unfenced). */
  private static void awaitReady(ChildJvm broker, int port, long logStart) {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (!accepts(port)) {
      checkRunning(broker, deadline, logStart);
      sleep(100);
    }
    Properties config = new Properties();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port);
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    try (Admin admin = Admin.create(config)) {
      while (true) {
        checkRunning(broker, deadline, logStart);
        try {
          if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (ExecutionException | TimeoutException notYet) {
          log.debug("Kafka broker not ready yet: {}", notYet.toString());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for the Kafka broker", e);
        }
        sleep(100);
      }
    }
  }

  private static void checkRunning(ChildJvm broker, long deadline, long logStart) {
    if (!broker.isAlive()) {
      String message = "Kafka broker exited during start, log " + broker.logFile() + ":\n"
          + Processes.tail(broker.logFile(), 40);
      // The bind error is followed by the whole shutdown: search everything this broker wrote.
      boolean portTaken = readFrom(broker.logFile(), logStart).contains("Address already in use");
      throw portTaken ? new PortTaken(message) : new IllegalStateException(message);
    }
    if (System.nanoTime() > deadline) {
      throw new IllegalStateException("Kafka broker not ready after " + START_TIMEOUT + ", log "
          + broker.logFile() + ":\n" + Processes.tail(broker.logFile(), 40));
    }
  }

  private static long size(Path file) {
    try {
      return Files.exists(file) ? Files.size(file) : 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String readFrom(Path file, long offset) {
    try {
      byte[] all = Files.readAllBytes(file);
      int from = (int) Math.min(offset, all.length);
      return new String(all, from, all.length - from, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the Kafka broker", e);
    }
  }

  private static List<String> concat(List<String> first, String... more) {
    return Stream.concat(first.stream(), Arrays.stream(more)).toList();
  }

  private static final class PortTaken extends IllegalStateException {
    PortTaken(String message) {
      super(message);
    }
  }
}
