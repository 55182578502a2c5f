package io.simstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.api.QueryApi;
import io.simstream.config.SimstreamConfig;
import io.simstream.event.ChangeEvent;
import io.simstream.event.SampleDeleted;
import io.simstream.kafka.ChangeEventProducer;
import io.simstream.kafka.Topics;
import io.simstream.indexer.Indexer;
import io.simstream.json.Json;
import io.simstream.servers.LocalServers;
import io.simstream.servers.LocalStackConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI against the real stack (Kafka broker, Elasticsearch node, indexer, query API): a run is
 * created, a manifest of precomputed vectors is produced with --wait, queried, then changed and
 * synced with --wait, and the query sees exactly the new state.
 */
class CliIT {
  private StringWriter out;
  private StringWriter err;

  private int cli(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    int status = SimstreamCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    System.out.println("simstream " + String.join(" ", args) + " -> " + status + "\n" + out + err);
    return status;
  }

  private static String line(String id, float... vector) throws Exception {
    return Json.MAPPER.writeValueAsString(Map.of("sampleId", id, "embeddings", Map.of("default", vector)));
  }

  private List<String> queryOrder(String... connection) throws Exception {
    List<String> args = new ArrayList<>(List.of("query", "cli-it", "vec", "--id", "a", "-k", "10", "--json"));
    args.addAll(List.of(connection));
    assertThat(cli(args.toArray(String[]::new))).isZero();
    List<String> order = new ArrayList<>();
    Json.MAPPER.readTree(out.toString()).path("hits").forEach(hit -> order.add(hit.path("sampleId").asText()));
    return order;
  }

  @Test
  void producesWaitsQueriesAndSyncs(@TempDir Path stateDir, @TempDir Path data) throws Exception {
    SimstreamConfig config = LocalStackConfig.withStateDir(stateDir);
    try (Indexer indexer = Indexer.start(config); QueryApi api = QueryApi.start(config)) {
      String[] connection = {"--kafka", LocalServers.kafka().bootstrapServers(), "--api", "http://127.0.0.1:" + api.port()};
      Path manifest = data.resolve("samples.jsonl");
      Files.write(manifest, List.of(
          line("a", 1, 0, 0, 0),
          line("b", 0.9f, 0.1f, 0, 0),
          line("c", 0.5f, 0.5f, 0.1f, 0),
          line("d", 0, 0, 1, 0),
          line("e", -1, 0, 0, 0.1f)));

      List<String> produce = new ArrayList<>(List.of("produce", "-d", "cli-it", "--manifest", manifest.toString(),
          "--register-dataset", "--wait", "--wait-timeout", "180"));
      produce.addAll(List.of(connection));
      // The dataset must exist before a run can be created on it: the first produce registers it.
      assertThat(cli(produce.toArray(String[]::new))).isZero();
      assertThat(out.toString()).contains("registered dataset 'cli-it'")
          .contains("sent 5 events to simstream.changes: 5 added");

      List<String> create = new ArrayList<>(List.of("runs", "create", "cli-it", "vec", "--dims", "4", "--replicas",
          "0"));
      create.addAll(List.of(connection));
      assertThat(cli(create.toArray(String[]::new))).isZero();
      assertThat(out.toString()).contains("vec").contains("index created");

      // The new run is backfilled from the dataset's state; a sync with nothing changed waits for it.
      List<String> sync = new ArrayList<>(List.of("produce", "-d", "cli-it", "--manifest", manifest.toString(),
          "--sync", "--wait", "--wait-timeout", "180"));
      sync.addAll(List.of(connection));
      assertThat(cli(sync.toArray(String[]::new))).isZero();
      assertThat(out.toString()).contains("sent 0 events").contains("5 unchanged skipped")
          .contains("nothing to wait for");
      // Nothing was sent, so there was nothing to wait for; the backfill is awaited through the query instead.
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
          .until(() -> queryOrder(connection).size() == 5);
      assertThat(queryOrder(connection)).containsExactly("a", "b", "c", "d", "e");

      // b moves away from a, e disappears, f arrives.
      Files.write(manifest, List.of(
          line("a", 1, 0, 0, 0),
          line("b", -0.2f, 0, 0.9f, 0.1f),
          line("c", 0.5f, 0.5f, 0.1f, 0),
          line("d", 0, 0, 1, 0),
          line("f", 0.95f, 0.05f, 0, 0)));
      assertThat(cli(sync.toArray(String[]::new))).isZero();
      assertThat(out.toString())
          .contains("sent 3 events to simstream.changes: 1 added, 1 updated, 1 deleted, 3 unchanged skipped")
          .contains("searchable in 1 run(s)");
      // --wait returned: the new state is searchable now, without polling.
      assertThat(queryOrder(connection)).containsExactly("a", "f", "c", "d", "b");

      // Another producer deletes c: the listing still has c unchanged, so only --resend brings it back.
      try (ChangeEventProducer other = new ChangeEventProducer(config.kafkaClientProperties(),
          Topics.from(config).changes())) {
        other.send(new SampleDeleted(ChangeEvent.CURRENT_SCHEMA_VERSION, "cli-it", "c", Instant.now())).get();
      }
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
          .until(() -> !queryOrder(connection).contains("c"));
      assertThat(cli(sync.toArray(String[]::new))).isZero();
      assertThat(out.toString()).contains("sent 0 events").contains("5 unchanged skipped");
      List<String> resend = new ArrayList<>(sync);
      resend.add("--resend");
      assertThat(cli(resend.toArray(String[]::new))).isZero();
      assertThat(out.toString()).contains("sent 5 events to simstream.changes: 0 added, 5 updated, 0 deleted,"
          + " 0 unchanged skipped");
      assertThat(queryOrder(connection)).containsExactly("a", "f", "c", "d", "b");

      // An event the indexer would dead-letter stops the command at its line, after saying what was sent.
      Path bad = data.resolve("bad.jsonl");
      Files.write(bad, List.of(line("g1", 1, 1, 0, 0), line("g2", 0, 1, 1, 0),
          "{\"sampleId\": \"g3\", \"embeddings\": {\"default\": [1, 0, 0, 0]}, \"patches\": [{\"labelId\": \"l\","
              + " \"boundingBox\": [0.5, 0.5, 0.9, 0.9]}]}",
          line("g4", 0, 0, 1, 1)));
      List<String> stopped = new ArrayList<>(List.of("produce", "-d", "cli-it", "--manifest", bad.toString()));
      stopped.addAll(List.of(connection));
      assertThat(cli(stopped.toArray(String[]::new))).isEqualTo(ExitCode.BAD_INPUT);
      assertThat(err.toString()).contains("bad.jsonl line 3: ").contains("boundingBox")
          .contains("2 event(s) had been sent before");

      List<String> list = new ArrayList<>(List.of("runs", "list", "--dataset", "cli-it", "--json"));
      list.addAll(List.of(connection));
      assertThat(cli(list.toArray(String[]::new))).isZero();
      JsonNode runs = Json.MAPPER.readTree(out.toString()).path("runs");
      assertThat(runs).hasSize(1);
      assertThat(runs.get(0).path("dims").asInt()).isEqualTo(4);
      assertThat(runs.get(0).path("replicas").asInt()).isZero();
      assertThat(runs.get(0).has("shards")).as("left to Elasticsearch").isFalse();
      String index = runs.get(0).path("indexName").asText();

      List<String> delete = new ArrayList<>(List.of("runs", "delete", "cli-it", "vec", "--cleanup"));
      delete.addAll(List.of(connection));
      assertThat(cli(delete.toArray(String[]::new))).isZero();
      assertThat(out.toString()).contains("run cli-it/vec deleted").contains("index " + index + " deleted");
      assertThat(cli(list.toArray(String[]::new))).isZero();
      assertThat(Json.MAPPER.readTree(out.toString()).path("runs")).isEmpty();
    }
  }
}
