package io.simstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.simstream.json.Json;
import io.simstream.servers.LocalServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code simstream produce --dry-run} changes nothing on the cluster, not even on a broker that creates topics
 * when a client asks for missing ones (the broker's default). The CLI runs with topic names of its own.
 */
class ProduceDryRunIT {
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
    Map<String, String> env = new HashMap<>(topics);
    env.put("SIMSTREAM_KAFKA_BOOTSTRAP_SERVERS", LocalServers.kafka().bootstrapServers());
    CliProcess.Result cli = CliProcess.run(dir, env, "produce", "-d", "dry", "--manifest", manifest.toString(),
        "--register-dataset", "--sync", "--dry-run");
    assertThat(cli.exitCode()).as("exit status; output:%n%s", cli.output()).isZero();
    assertThat(cli.output()).contains("would send 2 events");

    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        LocalServers.kafka().bootstrapServers()))) {
      Set<String> names = admin.listTopics().names().get();
      assertThat(names).as("topics after the dry run").noneMatch(name -> name.startsWith(prefix));
    }
  }
}
