package io.simstream.indexer.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.simstream.config.Settings;
import io.simstream.embedding.ModelCatalog;
import io.simstream.event.SampleAdded;
import io.simstream.indexer.Indexer;
import io.simstream.kafka.Topics;
import io.simstream.run.Metric;
import io.simstream.run.SimilarityRun;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Single records that once stopped their partition for good: each must be dead-lettered (or, for
 * images that may load later, retried a bounded number of times first) while the good events around
 * them are indexed and the indexer stays healthy.
 */
class PoisonPillIT {
  private static final int DIMS = 4;
  /** Just under what a default producer and broker take: its dead letter, with headers, does not fit those. */
  private static final int HUGE_BYTES = 1_048_450;

  @TempDir
  Path stateDir;

  @Test
  void everyPoisonPillIsDeadLetteredAndThePartitionsMoveOn() throws Exception {
    try (ServerSocket hanging = new ServerSocket(0); LiveHarness live = new LiveHarness("poison", stateDir)) {
      List<Socket> held = new CopyOnWriteArrayList<>();
      Thread acceptor = new Thread(() -> {
        while (!hanging.isClosed()) {
          try {
            held.add(hanging.accept()); // accepted, never answered
          } catch (java.io.IOException e) {
            return;
          }
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      Path fifo = stateDir.resolve("images.fifo");
      boolean haveFifo = new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0;
      if (!haveFifo) {
        System.out.println("PoisonPillIT: mkfifo failed, the FIFO image is left out");
      }

      // An unreadable record in the datasets topic once stopped the view, and with it every dataset check.
      live.send(live.topics.datasets().name(), "garbled", "{not a dataset".getBytes(StandardCharsets.UTF_8));
      live.registerDataset("poison");
      SimilarityRun vectors = live.run("poison", "vec", Metric.COSINE, DIMS, null, "flat");
      SimilarityRun model = new SimilarityRun(live.prefix + "-mobilenet-id", "poison", "mobilenet",
          live.index("mobilenet"), ModelCatalog.MOBILENET_V2_NSFWJS, Metric.COSINE, 1280, null, "flat", false,
          Instant.now());
      live.registerRun(vectors);
      live.registerRun(model);
      try (Indexer indexer = Indexer.start(live.config.with(Map.of(Settings.EMBEDDING_IMAGE_TIMEOUT_MS, "1000")))) {
        Set<String> good = new HashSet<>();
        List<String> poisonKeys = new ArrayList<>();
        int next = 0;
        for (Poison poison : poisons(fifo, haveFifo, hanging.getLocalPort())) {
          for (int i = 0; i < 3; i++) {
            String id = "good-" + next++;
            live.sendEvent(added(id, new float[] {1, next, 0, 1}));
            good.add(id);
          }
          live.sendRaw(poison.key, poison.value);
          poisonKeys.add(poison.key);
        }
        for (int i = 0; i < 3; i++) {
          String id = "good-" + next++;
          live.sendEvent(added(id, new float[] {0, 1, next, 1}));
          good.add(id);
        }
        live.flushProducer();

        Awaitility.await("every good event indexed").atMost(Duration.ofSeconds(120))
            .until(() -> live.documents(vectors.indexName()).keySet().containsAll(good));
        Awaitility.await("every poison pill dead-lettered").atMost(Duration.ofSeconds(120))
            .until(() -> deadLetteredKeys(live).containsAll(poisonKeys));
        assertThat(live.documents(vectors.indexName()).keySet()).containsExactlyInAnyOrderElementsOf(good);
        for (ConsumerRecord<String, byte[]> letter : live.deadLetters()) {
          assertThat(header(letter, Topics.DEAD_LETTER_REASON_HEADER)).as(letter.key()).isNotBlank();
        }
        ConsumerRecord<String, byte[]> huge = live.deadLetters().stream()
            .filter(r -> r.key().equals("poison/huge")).findFirst().orElseThrow();
        assertThat(huge.value()).as("a dead letter keeps the original bytes, however large").hasSize(HUGE_BYTES);
        HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + indexer.adminPort() + "/health")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
      } finally {
        for (Socket socket : held) {
          socket.close();
        }
      }
    }
  }

  private record Poison(String key, byte[] value) {
  }

  private static List<Poison> poisons(Path fifo, boolean haveFifo, int hangingPort) {
    List<Poison> poisons = new ArrayList<>();
    poisons.add(new Poison("poison/json-null", "null".getBytes(StandardCharsets.UTF_8)));
    poisons.add(new Poison("poison/tombstone", null));
    byte[] huge = new byte[HUGE_BYTES];
    Arrays.fill(huge, (byte) 'x');
    poisons.add(new Poison("poison/huge", huge));
    String longId = "i".repeat(600);
    poisons.add(new Poison("poison/" + longId, io.simstream.event.ChangeEventCodec.encode(added(longId,
        new float[] {1, 1, 1, 1}))));
    poisons.add(new Poison("poison/nan", ("{\"type\":\"sample_added\",\"schemaVersion\":1,\"dataset\":\"poison\","
        + "\"sampleId\":\"nan\",\"embeddings\":{\"default\":[1,\"NaN\",0,1]}}").getBytes(StandardCharsets.UTF_8)));
    if (haveFifo) {
      poisons.add(new Poison("poison/fifo", io.simstream.event.ChangeEventCodec.encode(
          new SampleAdded(1, "poison", "fifo", fifo.toString(), Map.of(), List.of(), Instant.now()))));
    }
    poisons.add(new Poison("poison/hanging", io.simstream.event.ChangeEventCodec.encode(new SampleAdded(1, "poison",
        "hanging", "http://127.0.0.1:" + hangingPort + "/never.jpg", Map.of(), List.of(), Instant.now()))));
    poisons.add(new Poison("poison/dev-zero", io.simstream.event.ChangeEventCodec.encode(
        new SampleAdded(1, "poison", "dev-zero", "/dev/zero", Map.of(), List.of(), Instant.now()))));
    return poisons;
  }

  private static Set<String> deadLetteredKeys(LiveHarness live) {
    Set<String> keys = new HashSet<>();
    live.deadLetters().forEach(r -> keys.add(r.key()));
    return keys;
  }

  private static SampleAdded added(String id, float[] vector) {
    return new SampleAdded(1, "poison", id, null, Map.of(SimilarityRun.DEFAULT_EMBEDDING, vector), List.of(),
        Instant.now());
  }

  private static String header(ConsumerRecord<String, byte[]> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }
}
