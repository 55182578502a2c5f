package io.simstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.simstream.json.Json;
import io.simstream.servers.LocalServers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code simstream produce --dry-run} changes nothing on the cluster, not even on a broker that creates topics
 * when a client asks for missing ones (the broker's default). The CLI reads its topic names from the
 * environment, so it runs in a child JVM with topics of its own.
 */
class ProduceDryRunIT {
  private static final long CLI_TIMEOUT_SECONDS = 300;

  @Test
  void aDryRunCreatesNoTopic(@TempDir Path dir) throws Exception {
    String prefix = "dry-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> topics = Map.of("SIMSTREAM_TOPIC_CHANGES", prefix + ".changes",
        "SIMSTREAM_TOPIC_RUNS", prefix + ".runs", "SIMSTREAM_TOPIC_DATASETS", prefix + ".datasets",
        "SIMSTREAM_TOPIC_DEAD_LETTERS", prefix + ".dead-letters");
    Path manifest = dir.resolve("samples.jsonl");
    Files.write(manifest, List.of(
        Json.MAPPER.writeValueAsString(Map.of("sampleId", "a", "embeddings", Map.of("default", new float[] {1, 0}))),
        Json.MAPPER.writeValueAsString(Map.of("sampleId", "b", "embeddings", Map.of("default", new float[] {0, 1})))));
    ProcessBuilder cli = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), SimstreamCli.class.getName(),
        "produce", "-d", "dry", "--manifest", manifest.toString(), "--register-dataset", "--sync", "--dry-run")
        .redirectErrorStream(true).redirectOutput(dir.resolve("cli.log").toFile());
    Map<String, String> env = cli.environment();
    env.keySet().removeIf(name -> name.startsWith("SIMSTREAM_"));
    env.put("SIMSTREAM_KAFKA_BOOTSTRAP_SERVERS", LocalServers.kafka().bootstrapServers());
    env.putAll(topics);
    Process process = cli.start();
    boolean exited = process.waitFor(CLI_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    if (!exited) {
      process.destroyForcibly();
    }
    String log = Files.readString(dir.resolve("cli.log"), StandardCharsets.UTF_8);
    assertThat(exited).as("the CLI exited; its output:%n%s", log).isTrue();
    assertThat(process.exitValue()).as("exit status; output:%n%s", log).isZero();
    assertThat(log).contains("would send 2 events");

    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        LocalServers.kafka().bootstrapServers()))) {
      Set<String> names = admin.listTopics().names().get();
      assertThat(names).as("topics after the dry run").noneMatch(name -> name.startsWith(prefix));
    }
  }
}
