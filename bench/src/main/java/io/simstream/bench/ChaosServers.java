package io.simstream.bench;

import io.simstream.servers.ChildJvm;
import io.simstream.servers.ElasticsearchNode;
import io.simstream.servers.KafkaBroker;
import io.simstream.servers.LocalServers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The broker and Elasticsearch node the chaos case runs on. Phases that restart servers get servers of
 * their own ({@link #dedicated}), so the bench's shared ones never go down under the other cases; the
 * smoke variant, which only kills indexers, runs on the shared ones ({@link #shared}).
 *
 * <p>Neither {@link KafkaBroker} nor {@link ElasticsearchNode} can restart on its data, so this does it
 * from outside: the broker's command line is read from /proc and run again after a clean stop (same
 * properties file, so same ports and log dirs); the node is started again on the same folder and, since
 * it takes a new free port, reached through a {@link TcpProxy} that keeps its address.
 */
final class ChaosServers implements AutoCloseable {
  private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);
  /** Written by the node at start with its chosen ports; a stale one would point at the old port. */
  private static final String ES_PORTS_FILE = "logs/http.ports";

  private final boolean dedicated;
  private final String bootstrapServers;
  private final Path esDir;
  private final TcpProxy proxy;
  private final KafkaBroker broker;
  private ChildJvm restartedBroker;
  private List<String> brokerCommand;
  private ElasticsearchNode node;

  private ChaosServers(boolean dedicated, KafkaBroker broker, ElasticsearchNode node, Path esDir) throws IOException {
    this.dedicated = dedicated;
    this.broker = broker;
    this.node = node;
    this.esDir = esDir;
    this.bootstrapServers = broker.bootstrapServers();
    this.proxy = new TcpProxy(node.httpUrl());
  }

  static ChaosServers shared() throws IOException {
    return new ChaosServers(false, LocalServers.kafka(), LocalServers.elasticsearch(), null);
  }

  /** A broker and a node of {@code esVersion} under {@code dir}, started at the same time. */
  static ChaosServers dedicated(Path dir, String esVersion) throws Exception {
    letEveryoneThrough(dir.getParent());
    letEveryoneThrough(Files.createDirectories(dir));
    Path esDir = Files.createDirectories(dir.resolve("elasticsearch"));
    letEveryoneThrough(esDir);
    CompletableFuture<ElasticsearchNode> esStart =
        CompletableFuture.supplyAsync(() -> ElasticsearchNode.start(esVersion, esDir));
    KafkaBroker broker = KafkaBroker.start(dir.resolve("kafka"));
    return new ChaosServers(true, broker, esStart.join(), esDir);
  }

  String bootstrapServers() {
    return bootstrapServers;
  }

  /** Elasticsearch as clients see it: the proxy, whose address survives a restart of the node. */
  String elasticsearchUrl() {
    return proxy.url();
  }

  String describe() {
    return dedicated
        ? "servers of the case's own: a Kafka broker and Elasticsearch " + node.version()
            + " (behind a forwarding proxy), so the restarts never touch the servers of the other cases"
        : "the bench's shared broker and Elasticsearch node (no phase restarts them)";
  }

  /** Stops the node cleanly; its data stays for {@link #startElasticsearch()}. */
  void stopElasticsearch() {
    requireDedicated();
    node.close();
  }

  /** Starts the stopped node again on its data and points the proxy at its new port. */
  void startElasticsearch() throws IOException {
    Files.deleteIfExists(esDir.resolve(ES_PORTS_FILE));
    node = ElasticsearchNode.start(node.version(), esDir);
    proxy.retarget(node.httpUrl());
  }

  /** Stops the broker cleanly, keeping its command line for {@link #startBroker()}. */
  void stopBroker() {
    requireDedicated();
    brokerCommand = ProcessHandle.of(brokerPid()).flatMap(p -> p.info().arguments()).map(List::of)
        .orElseThrow(() -> new IllegalStateException("cannot read the broker's command line from /proc"));
    if (brokerCommand.indexOf("-cp") < 0 || brokerCommand.indexOf("-cp") + 2 >= brokerCommand.size()) {
      throw new IllegalStateException("unexpected broker command line " + brokerCommand);
    }
    if (restartedBroker != null) {
      restartedBroker.stop();
    } else {
      broker.close();
    }
  }

  /** Runs the stopped broker's command line again (same properties: same ports and data) and waits until it serves. */
  void startBroker() {
    int cp = brokerCommand.indexOf("-cp");
    restartedBroker = ChildJvm.start(brokerCommand.get(cp + 1), brokerCommand.get(cp + 2),
        brokerCommand.subList(0, cp), brokerCommand.subList(cp + 3, brokerCommand.size()), Map.of(),
        broker.logFile());
    awaitBrokerReady();
  }

  private long brokerPid() {
    return restartedBroker != null ? restartedBroker.pid() : broker.pid();
  }

  private void awaitBrokerReady() {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    try (Admin admin = Admin.create(props)) {
      while (true) {
        if (!restartedBroker.isAlive()) {
          throw new IllegalStateException("the restarted broker exited, log " + restartedBroker.logFile());
        }
        try {
          if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (Exception notYet) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("the restarted broker is not ready after " + READY_TIMEOUT, notYet);
          }
        }
        Searchable.sleep(200);
      }
    }
  }

  private void requireDedicated() {
    if (!dedicated) {
      throw new IllegalStateException("the shared servers serve the other cases and are never restarted");
    }
  }

  /** As root the node runs as another user, who must be able to pass through the bench's private temp folder. */
  private static void letEveryoneThrough(Path dir) throws IOException {
    Set<PosixFilePermission> permissions = EnumSet.copyOf(Files.getPosixFilePermissions(dir));
    permissions.addAll(EnumSet.of(PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_EXECUTE));
    Files.setPosixFilePermissions(dir, permissions);
  }

  @Override
  public void close() throws IOException {
    proxy.close();
    if (dedicated) {
      if (restartedBroker != null) {
        if (restartedBroker.isAlive()) {
          restartedBroker.stop();
        }
      } else {
        broker.close();
      }
      node.close();
    }
  }
}
