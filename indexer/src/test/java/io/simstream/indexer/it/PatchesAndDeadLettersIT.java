package io.simstream.indexer.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.elasticsearch.PatchDocumentId;
import io.simstream.event.BoundingBox;
import io.simstream.event.Patch;
import io.simstream.event.SampleAdded;
import io.simstream.event.SampleDeleted;
import io.simstream.indexer.Indexer;
import io.simstream.kafka.Topics;
import io.simstream.run.Metric;
import io.simstream.run.SimilarityRun;
import io.simstream.embedding.ModelCatalog;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import javax.imageio.ImageIO;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Patch indexes and dead letters on the real broker and node, one indexer for both. */
class PatchesAndDeadLettersIT {
  private static final int DIMS = 4;

  @TempDir
  static Path stateDir;
  private static LiveHarness live;
  private static Indexer indexer;

  @BeforeAll
  static void start() {
    live = new LiveHarness("edge", stateDir);
    indexer = Indexer.start(live.config);
  }

  @AfterAll
  static void stop() {
    indexer.close();
    live.close();
  }

  @Test
  void aDeletedSampleTakesItsPatchesWithIt() {
    live.registerDataset("patches");
    SimilarityRun run = live.run("patches", "gt", Metric.COSINE, DIMS, "ground_truth", "flat");
    live.registerRun(run);
    List<Patch> patches = List.of(patch("p1"), patch("p2"), patch("p3"));
    live.sendEvent(new SampleAdded(1, "patches", "img1", "file:/img1.jpg", Map.of(), patches, Instant.now()));
    live.flushProducer();
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> live.documents(run.indexName()).size() == 3);
    JsonNode p2 = live.documents(run.indexName()).get(PatchDocumentId.of("img1", "p2"));
    assertThat(p2.path("sample_id").asText()).isEqualTo("img1");
    assertThat(p2.path("label_id").asText()).isEqualTo("p2");

    live.sendEvent(new SampleDeleted(1, "patches", "img1", Instant.now()));
    live.flushProducer();
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> live.documents(run.indexName()).isEmpty());
  }

  @Test
  void eachKindOfBadEventIsDeadLetteredAndTheGoodOnesAroundItIndexed() {
    live.registerDataset("dlq");
    SimilarityRun run = live.run("dlq", "cos", Metric.COSINE, DIMS, null, "flat");
    live.registerRun(run);
    Map<String, byte[]> bad = new HashMap<>();
    bad.put("unparseable", "not json at all".getBytes(StandardCharsets.UTF_8));
    bad.put("invalid_event", "{\"type\":\"sample_added\",\"schemaVersion\":1,\"dataset\":\"dlq\",\"sampleId\":\"x\"}"
        .getBytes(StandardCharsets.UTF_8));
    bad.put("wrong_dims", io.simstream.event.ChangeEventCodec.encode(added("dlq", "w", new float[] {1, 2})));
    live.sendEvent(added("dlq", "good1", new float[] {1, 0, 0, 0}));
    live.sendRaw("dlq/x1", bad.get("unparseable"));
    live.sendRaw("dlq/x", bad.get("invalid_event"));
    live.sendRaw("dlq/other", io.simstream.event.ChangeEventCodec.encode(added("dlq", "k", new float[] {1, 1, 1, 1})));
    live.sendEvent(added("unregistered", "u", new float[] {1, 1, 1, 1}));
    live.sendRaw("dlq/w", bad.get("wrong_dims"));
    live.sendEvent(added("dlq", "good2", new float[] {0, 1, 0, 0}));
    live.flushProducer();

    Awaitility.await().atMost(Duration.ofSeconds(60))
        .until(() -> live.documents(run.indexName()).keySet().equals(java.util.Set.of("good1", "good2")));
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> ofThisTest(live.deadLetters()).size() >= 5);
    Map<String, ConsumerRecord<String, byte[]>> byKind = new HashMap<>();
    for (ConsumerRecord<String, byte[]> letter : ofThisTest(live.deadLetters())) {
      String reason = header(letter, Topics.DEAD_LETTER_REASON_HEADER);
      byKind.put(reason.substring(0, reason.indexOf(':')), letter);
      assertThat(header(letter, Topics.DEAD_LETTER_SOURCE_HEADER)).isEqualTo(live.topics.changes().name());
    }
    assertThat(byKind).containsOnlyKeys("unparseable", "invalid_event", "key_mismatch", "unknown_dataset",
        "wrong_dims");
    bad.forEach((kind, bytes) -> assertThat(byKind.get(kind).value()).as(kind).isEqualTo(bytes));
    assertThat(header(byKind.get("unknown_dataset"), Topics.DEAD_LETTER_REASON_HEADER)).contains("unregistered");
  }

  @Test
  void aModelRunEmbedsImagesAndPatchCropsAndDeadLettersUnreadableOnes() throws Exception {
    live.registerDataset("images");
    SimilarityRun run = new SimilarityRun(live.prefix + "-mobilenet-id", "images", "mobilenet",
        live.index("mobilenet"), ModelCatalog.MOBILENET_V2_NSFWJS, Metric.COSINE, 1280, null, "flat", false,
        Instant.now());
    SimilarityRun patchRun = new SimilarityRun(live.prefix + "-mobilenet-gt-id", "images", "mobilenet_gt",
        live.index("mobilenet_gt"), ModelCatalog.MOBILENET_V2_NSFWJS, Metric.COSINE, 1280, "ground_truth", "flat",
        false, Instant.now());
    live.registerRun(run);
    live.registerRun(patchRun);
    Path image = stateDir.resolve("red.png");
    BufferedImage red = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
    for (int x = 0; x < 64; x++) {
      for (int y = 0; y < 48; y++) {
        red.setRGB(x, y, 0xC02020 + x * 4);
      }
    }
    ImageIO.write(red, "png", image.toFile());
    Patch left = new Patch("red-left", "ground_truth", "stripe", new BoundingBox(0, 0.25, 0.25, 0.5), Map.of());
    Patch lost = new Patch("lost-box", "ground_truth", "car", new BoundingBox(0.1, 0.2, 0.3, 0.4), Map.of());
    live.sendEvent(new SampleAdded(1, "images", "red", image.toString(), Map.of(), List.of(left), Instant.now()));
    live.sendEvent(new SampleAdded(1, "images", "missing", stateDir.resolve("nope.png").toString(), Map.of(),
        List.of(lost), Instant.now()));
    live.flushProducer();

    Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> live.documents(run.indexName()).size() == 1
        && live.documents(patchRun.indexName()).size() == 1);
    float[] whole = LiveHarness.vector(live.documents(run.indexName()).get("red"));
    assertThat(whole).hasSize(1280);
    JsonNode patchDoc = live.documents(patchRun.indexName()).get(PatchDocumentId.of("red", "red-left"));
    assertThat(patchDoc.path("sample_id").asText()).isEqualTo("red");
    float[] crop = LiveHarness.vector(patchDoc);
    assertThat(crop).hasSize(1280);
    assertThat(maxDifference(whole, crop)).as("the crop is embedded, not the whole image").isGreaterThan(1e-3f);
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> live.deadLetters().stream()
        .anyMatch(r -> header(r, Topics.DEAD_LETTER_REASON_HEADER).startsWith("unreadable_image: not_found")
            && new String(r.value(), StandardCharsets.UTF_8).contains("\"labelId\":\"lost-box\"")));
  }

  private static float maxDifference(float[] a, float[] b) {
    float max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }

  /** Dead letters of the bad-input test (the tests share the dead-letter topic). */
  private static List<ConsumerRecord<String, byte[]>> ofThisTest(List<ConsumerRecord<String, byte[]>> letters) {
    return letters.stream().filter(r -> r.key().startsWith("dlq/") || r.key().startsWith("unregistered/")).toList();
  }

  private static SampleAdded added(String dataset, String id, float[] vector) {
    return new SampleAdded(1, dataset, id, null, Map.of(SimilarityRun.DEFAULT_EMBEDDING, vector), List.of(),
        Instant.now());
  }

  private static Patch patch(String labelId) {
    return new Patch(labelId, "ground_truth", "car", new BoundingBox(0.1, 0.2, 0.3, 0.4),
        Map.of(SimilarityRun.DEFAULT_EMBEDDING, new float[] {1, labelId.charAt(1), 0, 1}));
  }

  private static String header(ConsumerRecord<String, byte[]> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }
}
