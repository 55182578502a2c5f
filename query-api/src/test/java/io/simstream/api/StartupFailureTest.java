package io.simstream.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.simstream.config.Setting;
import io.simstream.config.Settings;
import io.simstream.config.SimstreamConfig;
import io.simstream.servers.ChildJvm;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A query API that cannot start releases what it opened and its main exits non-zero instead of hanging. */
class StartupFailureTest {
  // Generous: a JVM start, Kafka and Elasticsearch clients and their shutdown on a loaded two-core machine.
  private static final Duration EXIT_DEADLINE = Duration.ofMinutes(3);

  @Test
  void aTakenPortFailsTheStartAndLeavesNoThreadRunning() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("0.0.0.0"))) {
      SimstreamConfig config = TestBackends.config(Map.of(Settings.API_PORT, Integer.toString(taken.getLocalPort())));
      Set<Thread> before = Thread.getAllStackTraces().keySet();

      assertThatThrownBy(() -> QueryApi.start(config)).hasMessageContaining(Integer.toString(taken.getLocalPort()));

      List<Thread> started = Thread.getAllStackTraces().keySet().stream()
          .filter(thread -> !before.contains(thread) && !isJvmShared(thread)).toList();
      // Threads end asynchronously once their owner is closed: wait for them, all within one deadline.
      long deadline = System.nanoTime() + EXIT_DEADLINE.toNanos();
      for (Thread thread : started) {
        thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      }
      assertThat(started.stream().filter(Thread::isAlive).map(Thread::getName).collect(Collectors.toList()))
          .as("threads the failed start left running").isEmpty();
    }
  }

  @Test
  void theMainExitsNonZeroWhenThePortIsTaken(@TempDir Path dir) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("0.0.0.0"))) {
      SimstreamConfig config = TestBackends.config(Map.of());
      Map<String, String> env = environment(config, Map.of(Settings.API_PORT, Integer.toString(taken.getLocalPort())));
      ChildJvm main = ChildJvm.start(QueryApiMain.class.getName(), List.of("-Xmx256m"), env, dir.resolve("api.log"));

      int exitCode = main.waitFor(EXIT_DEADLINE);

      String log = Files.readString(main.logFile());
      assertThat(exitCode).as(log).isEqualTo(1);
      assertThat(log).contains("The query API failed to start").contains(Integer.toString(taken.getLocalPort()));
    }
  }

  @Test
  void theMainExitsWith2ListingEveryConfigurationProblem(@TempDir Path dir) throws IOException {
    Map<String, String> env = new HashMap<>(cleared());
    env.put(Settings.ES_HOSTS.envName(), "ftp://es:9200");
    env.put(Settings.KAFKA_BOOTSTRAP_SERVERS.envName(), "kafka-without-port");
    env.put(Settings.ES_CA_CERT.envName(), dir.resolve("missing-ca.pem").toString());
    ChildJvm main = ChildJvm.start(QueryApiMain.class.getName(), List.of("-Xmx128m"), env, dir.resolve("api.log"));

    int exitCode = main.waitFor(EXIT_DEADLINE);

    String log = Files.readString(main.logFile());
    assertThat(exitCode).as(log).isEqualTo(SimstreamConfig.EXIT_INVALID_CONFIG);
    assertThat(log).contains(Settings.ES_HOSTS.envName(), Settings.KAFKA_BOOTSTRAP_SERVERS.envName(),
        Settings.ES_CA_CERT.envName()).doesNotContain("\tat ");
  }

  /** The test configuration as the child's environment, SIMSTREAM_* variables of this JVM's environment removed. */
  private static Map<String, String> environment(SimstreamConfig config, Map<Setting<?>, String> overrides) {
    Map<String, String> env = new HashMap<>(cleared());
    for (Setting<?> setting : List.of(Settings.KAFKA_BOOTSTRAP_SERVERS, Settings.TOPIC_RUNS, Settings.TOPIC_DATASETS,
        Settings.TOPIC_CHANGES, Settings.TOPIC_DEAD_LETTERS, Settings.TOPIC_PARTITIONS)) {
      env.put(setting.envName(), String.valueOf(config.get(setting)));
    }
    env.put(Settings.ES_HOSTS.envName(), TestBackends.elasticsearch());
    overrides.forEach((setting, value) -> env.put(setting.envName(), value));
    return env;
  }

  /** ChildJvm removes variables given a null value. */
  private static Map<String, String> cleared() {
    Map<String, String> env = new HashMap<>();
    System.getenv().keySet().stream().filter(name -> name.startsWith("SIMSTREAM_")).forEach(name -> env.put(name, null));
    return env;
  }

  /** Threads of the JVM or shared pools that outlive any one component by design. */
  private static boolean isJvmShared(Thread thread) {
    String name = thread.getName();
    return name.startsWith("ForkJoinPool.commonPool") || name.equals("Attach Listener")
        || name.startsWith("process reaper") || name.equals("Common-Cleaner");
  }
}
