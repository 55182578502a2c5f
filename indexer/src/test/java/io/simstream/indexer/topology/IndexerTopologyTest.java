package io.simstream.indexer.topology;

import static io.simstream.indexer.support.Events.added;
import static io.simstream.indexer.support.Events.bytes;
import static io.simstream.indexer.support.Events.deleted;
import static io.simstream.indexer.support.Events.patch;
import static io.simstream.indexer.support.Events.patchRun;
import static io.simstream.indexer.support.Events.run;
import static io.simstream.indexer.support.Events.updated;
import static io.simstream.indexer.support.Events.vec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.simstream.config.SimstreamConfig;
import io.simstream.embedding.EmbeddingFailure;
import io.simstream.elasticsearch.PatchDocumentId;
import io.simstream.event.BoundingBox;
import io.simstream.event.Patch;
import io.simstream.event.SampleAdded;
import io.simstream.event.SampleUpdated;
import io.simstream.event.SampleKey;
import io.simstream.indexer.embed.EmbedderProvider;
import io.simstream.indexer.embed.ImageEmbedder;
import io.simstream.indexer.metrics.IndexerMetrics;
import io.simstream.indexer.state.BackfillProgress;
import io.simstream.indexer.state.PendingChange;
import io.simstream.indexer.state.SampleState;
import io.simstream.indexer.state.SampleStateSerde;
import io.simstream.indexer.support.Events;
import io.simstream.indexer.support.RecordingWriter;
import io.simstream.indexer.write.DocumentSummary;
import io.simstream.indexer.write.IndexWriteException;
import io.simstream.json.Json;
import io.simstream.kafka.Topics;
import io.simstream.run.Metric;
import io.simstream.run.SimilarityRun;
import io.simstream.run.VectorMath;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexerTopologyTest {
  private static final String DS = "cars";
  private static final Duration TICK = Duration.ofMillis(100);
  /** What an embedding call of an image named "slow" takes: more than half a backfill step's budget. */
  private static final Duration SLOW_EMBEDDING = Duration.ofMillis(200);
  private static final int WIDE_DIMS = 4096;

  @TempDir
  Path stateDir;

  private final Topics topics = Topics.from(SimstreamConfig.load(Map.of()));
  private final RecordingWriter writer = new RecordingWriter();
  private final AtomicInteger embedCalls = new AtomicInteger();
  /** The fake CLIP's weights: what tells its vectors from those of other files under the same model name. */
  private String clipCheckpoint = "";
  /** Weights of the fake CLIP whose whole-image vectors differ from the others' (third component 3, not 2). */
  private static final String OTHER_WEIGHTS = "weights-2";
  private final AtomicInteger flakyFailures = new AtomicInteger(1);
  private final List<ImageEmbedder.Image> embedded = new ArrayList<>();
  /** Embedding batches kept from running while true, to act while one is in flight. */
  private boolean holdEmbeddings;
  private final List<Runnable> heldEmbeddings = new ArrayList<>();
  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> changes;
  private TestInputTopic<String, SimilarityRun> runs;
  private TestOutputTopic<String, byte[]> deadLetters;

  @BeforeEach
  void start() {
    startDriver(new TopologyOptions(1000, Duration.ofMillis(50), 2, 3, 2, 1 << 20), "indexer-test");
  }

  private void startDriver(TopologyOptions options, String applicationId) {
    ImageEmbedder fakeClip = new ImageEmbedder() {
      @Override
      public String modelName() {
        return "clip";
      }

      @Override
      public int dimensions() {
        return 3;
      }

      @Override
      public String checkpoint() {
        return clipCheckpoint;
      }

      /** Whole images: (uri length, 1, 2); crops: (uri length, x, width) of the box. */
      @Override
      public List<Outcome> embedImages(List<Image> images) {
        embedCalls.incrementAndGet();
        if (images.stream().anyMatch(i -> i.uri().contains("native"))) {
          throw new UnsatisfiedLinkError("no libtorch in java.library.path");
        }
        embedded.addAll(images);
        if (images.stream().anyMatch(i -> i.uri().contains("slow"))) {
          sleep(SLOW_EMBEDDING);
        }
        return images.stream().map(i -> i.uri().contains("broken") ? Outcome.failed("cannot decode " + i.uri())
            : i.uri().contains("down") || (i.uri().contains("flaky") && flakyFailures.getAndDecrement() > 0)
            ? Outcome.failed(EmbeddingFailure.FETCH_FAILED, "connection reset fetching " + i.uri())
            : i.uri().contains("overflow") ? Outcome.of(vec(Float.NaN, 1, 2))
            : i.crop() == null ? Outcome.of(vec(i.uri().length(), 1, clipCheckpoint.equals(OTHER_WEIGHTS) ? 3 : 2))
            : Outcome.of(vec(i.uri().length(), (float) i.crop().x(), (float) i.crop().width()))).toList();
      }
    };
    ImageEmbedder wide = new ImageEmbedder() {
      @Override
      public String modelName() {
        return "wide";
      }

      @Override
      public int dimensions() {
        return WIDE_DIMS;
      }

      @Override
      public List<Outcome> embedImages(List<Image> images) {
        return images.stream().map(i -> Outcome.of(new float[WIDE_DIMS])).toList();
      }
    };
    var topology = IndexerTopology.build(topics, DatasetCatalog.of(Set.of(DS, "other")), writer,
        EmbedderProvider.of(Map.of("clip", fakeClip, "wide", wide)), r -> {
          if (holdEmbeddings) {
            heldEmbeddings.add(r);
          } else {
            r.run();
          }
        },
        options, metrics);
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve(applicationId).toString());
    driver = new TopologyTestDriver(topology, props);
    changes = driver.createInputTopic(topics.changes().name(), topics.changes().keySerde().serializer(),
        topics.changes().valueSerde().serializer());
    runs = driver.createInputTopic(topics.runs().name(), topics.runs().keySerde().serializer(),
        topics.runs().valueSerde().serializer());
    deadLetters = driver.createOutputTopic(topics.deadLetters().name(), topics.deadLetters().keySerde().deserializer(),
        topics.deadLetters().valueSerde().deserializer());
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private final IndexerMetrics metrics = IndexerMetrics.inMemory();

  @AfterEach
  void stop() {
    driver.close();
  }

  private void register(SimilarityRun run) {
    runs.pipeInput(run.key(), run);
  }

  private void send(io.simstream.event.ChangeEvent event) {
    changes.pipeInput(event.key().toString(), bytes(event));
  }

  private void flush() {
    driver.advanceWallClockTime(TICK);
  }

  private static String key(String sampleId) {
    return new SampleKey(DS, sampleId).toString();
  }

  @Test
  void fansEachChangeOutToEveryRunOfItsDatasetAndNormalisesDotProduct() {
    SimilarityRun cosine = run(DS, "cos", Metric.COSINE, 2);
    SimilarityRun dot = run(DS, "dot", Metric.DOTPRODUCT, 2);
    SimilarityRun elsewhere = run("other", "cos", Metric.COSINE, 2);
    register(cosine);
    register(dot);
    register(elsewhere);

    send(added(DS, "s1", vec(3, 4)));
    assertThat(writer.batches()).as("nothing is written before the flush").isEmpty();
    flush();

    assertThat(writer.index(cosine.indexName())).containsOnlyKeys("s1");
    assertThat(writer.index(cosine.indexName()).get("s1").vector()).containsExactly(3, 4);
    assertThat(writer.index(dot.indexName()).get("s1").vector()).containsExactly(0.6f, 0.8f);
    assertThat(writer.index(elsewhere.indexName())).isEmpty();
    assertThat(writer.ensured()).containsExactlyInAnyOrder(cosine.indexName(), dot.indexName());
  }

  @Test
  void aRenamedRunKeepsReadingTheVectorsKeyedByTheBrainKeyItWasCreatedWith() {
    SimilarityRun clip = run(DS, "clip", Metric.COSINE, 2);
    register(clip);
    send(new SampleAdded(1, DS, "s1", null, Map.of("clip", vec(1, 0)), List.of(), Events.T0));
    flush();

    // What PATCH {"brainKey": "clip2"} writes: the old key's tombstone, the same run under the new key.
    SimilarityRun renamed = clip.withBrainKey("clip2");
    runs.pipeInput(clip.key(), null);
    register(renamed);
    // Producers go on sending the key they were told; reading the new name only, the run deleted s1.
    send(new SampleUpdated(1, DS, "s1", null, Map.of("clip", vec(0, 1)), List.of(), Events.T0));
    flush();

    assertThat(writer.index(clip.indexName())).containsOnlyKeys("s1");
    assertThat(writer.index(clip.indexName()).get("s1").vector()).containsExactly(0, 1);
  }

  @Test
  void flushWritesTheCurrentStateOnceAndADeleteNeverLeavesAGhost() {
    SimilarityRun cosine = run(DS, "cos", Metric.COSINE, 2);
    register(cosine);
    send(added(DS, "s1", vec(1, 0)));
    send(updated(DS, "s1", vec(0, 1)));
    send(added(DS, "s2", vec(1, 1)));
    send(deleted(DS, "s2"));
    flush();

    assertThat(writer.batches()).hasSize(1);
    assertThat(writer.batches().get(0)).hasSize(2);
    assertThat(writer.index(cosine.indexName())).containsOnlyKeys("s1");
    assertThat(writer.index(cosine.indexName()).get("s1").vector()).containsExactly(0, 1);
    assertThat(writer.index(cosine.indexName()).get("s1").version()).isEqualTo(1);

    send(deleted(DS, "s1"));
    flush();
    assertThat(writer.index(cosine.indexName())).isEmpty();
    KeyValueStore<String, SampleState> samples = driver.getKeyValueStore(IndexerTopology.SAMPLES_STORE);
    assertThat(samples.get(key("s1"))).isNull();
  }

  @Test
  void outboxEntriesStayUntilTheWriteSucceeds() {
    restartWithBatchSize(2);
    register(run(DS, "cos", Metric.COSINE, 2));
    writer.failWith(new IndexWriteException(IndexWriteException.Reason.RETRIES_EXHAUSTED, "es down", null));
    send(added(DS, "s1", vec(1, 0)));
    assertThatThrownBy(() -> send(added(DS, "s2", vec(1, 0)))).hasRootCauseInstanceOf(IndexWriteException.class);
    KeyValueStore<String, PendingChange> pending = driver.getKeyValueStore(IndexerTopology.PENDING_STORE);
    assertThat(pending.get(key("s1"))).isNotNull();
    assertThat(pending.get(key("s2"))).isNotNull();

    writer.recover();
    send(added(DS, "s3", vec(1, 0)));
    assertThat(pending.get(key("s1"))).isNull();
    assertThat(pending.get(key("s2"))).isNull();
    assertThat(pending.get(key("s3"))).as("a flush takes one batch; s3 waits for the next").isNotNull();
    send(added(DS, "s4", vec(1, 0)));
    assertThat(writer.index("idx-cars-cos")).containsOnlyKeys("s1", "s2", "s3", "s4");
  }

  @Test
  void batchSizeTriggersAFlushWithoutWaitingForTheClock() {
    restartWithBatchSize(2);
    register(run(DS, "cos", Metric.COSINE, 2));
    send(added(DS, "a", vec(1, 0)));
    assertThat(writer.batches()).isEmpty();
    send(added(DS, "b", vec(1, 0)));
    assertThat(writer.batches()).hasSize(1);
    assertThat(writer.index("idx-cars-cos")).containsOnlyKeys("a", "b");
  }

  /**
   * With Elasticsearch stuck, a record waits a bounded time for room and processing goes on, so the task's
   * transaction can commit; before, the stream thread waited until a write completed (this test hung).
   */
  @Test
  void aFullOutboxMakesEachRecordWaitABoundedTimeNotUntilAWriteCompletes() {
    restartWithBatchSize(2);
    register(run(DS, "cos", Metric.COSINE, 2));
    writer.hold();
    List<String> ids = List.of("a", "b", "c", "d", "e", "f", "g");
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> ids.forEach(id -> send(added(DS, id, vec(1, 0)))));
    assertThat(writer.inFlight()).as("two batches in flight, the most the options allow").isEqualTo(2);

    writer.release();
    for (int i = 0; i < 3; i++) {
      driver.advanceWallClockTime(Duration.ofHours(1)); // this driver's max wait: the partial batch goes too
    }
    assertThat(writer.index("idx-cars-cos")).containsOnlyKeys(ids);
  }

  /** A driver whose flushes come from the batch size only (the clock's would be hours away). */
  private void restartWithBatchSize(int batchSize) {
    driver.close();
    startDriver(new TopologyOptions(batchSize, Duration.ofHours(1), 2, 3, 2, 1 << 20), "indexer-test-batch");
  }

  @Test
  void patchRunsIndexTheirFieldsPatchesAndDropRemovedOnes() {
    SimilarityRun patches = patchRun(DS, "gt", "ground_truth", 2);
    register(patches);
    send(Events.withPatches(DS, "s1", List.of(patch("l1", "ground_truth", vec(1, 0)),
        patch("l2", null, vec(0, 1)), patch("l3", "predictions", vec(1, 1)))));
    flush();
    assertThat(writer.patches(patches.indexName())).containsOnlyKeys("l1", "l2");
    assertThat(writer.index(patches.indexName()))
        .containsOnlyKeys(PatchDocumentId.of("s1", "l1"), PatchDocumentId.of("s1", "l2"));
    assertThat(writer.patches(patches.indexName()).get("l1").sampleId()).isEqualTo("s1");
    assertThat(writer.patches(patches.indexName()).get("l1").labelId()).isEqualTo("l1");

    send(Events.updatedPatches(DS, "s1", List.of(patch("l2", null, vec(0, 1)),
        patch("l3", "ground_truth", vec(1, 1)))));
    flush();
    assertThat(writer.patches(patches.indexName())).containsOnlyKeys("l2", "l3");

    send(deleted(DS, "s1"));
    flush();
    assertThat(writer.patches(patches.indexName())).isEmpty();
  }

  @Test
  void documentsCarryTheImageAndPatchSummaryAndAChangeOfTheImageAloneRewritesThem() {
    SimilarityRun whole = run(DS, "cos", Metric.COSINE, 2);
    SimilarityRun patches = patchRun(DS, "gt", "ground_truth", 2);
    register(whole);
    register(patches);
    Patch car = new Patch("l1", "ground_truth", "car", new BoundingBox(0.1, 0.2, 0.3, 0.4),
        Map.of(SimilarityRun.DEFAULT_EMBEDDING, vec(1, 0)));
    send(new SampleAdded(1, DS, "s1", "file:///a.jpg", Map.of(SimilarityRun.DEFAULT_EMBEDDING, vec(0, 1)),
        List.of(car), Events.T0));
    flush();
    assertThat(writer.index(whole.indexName()).get("s1").summary())
        .isEqualTo(new DocumentSummary("file:///a.jpg", null, null, null));
    assertThat(writer.patches(patches.indexName()).get("l1").summary())
        .isEqualTo(new DocumentSummary("file:///a.jpg", "ground_truth", "car", new BoundingBox(0.1, 0.2, 0.3, 0.4)));

    // Same vectors, same patch: only the image moved. Both documents must say where it is now.
    send(new SampleUpdated(1, DS, "s1", "s3://bucket/a.jpg", Map.of(SimilarityRun.DEFAULT_EMBEDDING, vec(0, 1)),
        List.of(car), Events.T0));
    flush();
    assertThat(writer.index(whole.indexName()).get("s1").summary().imageUri()).isEqualTo("s3://bucket/a.jpg");
    assertThat(writer.index(whole.indexName()).get("s1").version()).isEqualTo(1);
    assertThat(writer.patches(patches.indexName()).get("l1").summary().imageUri()).isEqualTo("s3://bucket/a.jpg");
  }

  @Test
  void badEventsGoToTheDeadLetterTopicWithTheirOriginalBytesAndReason() {
    register(run(DS, "cos", Metric.COSINE, 2));
    register(Events.modelRun("other", "ghost", "no-such-model", 3));
    byte[] notJson = "{not json".getBytes(StandardCharsets.UTF_8);
    byte[] missingFields = "{\"type\":\"sample_added\",\"schemaVersion\":1,\"dataset\":\"cars\"}"
        .getBytes(StandardCharsets.UTF_8);
    byte[] wrongKey = bytes(added(DS, "s9", vec(1, 0)));
    byte[] unknownDataset = bytes(added("nope", "s1", vec(1, 0)));
    byte[] wrongDims = bytes(added(DS, "s2", vec(1, 0, 0)));
    byte[] needsModel = bytes(Events.withImage("other", "o1", "file:/tmp/a.jpg"));

    send(added(DS, "good1", vec(1, 0)));
    changes.pipeInput(key("x"), notJson);
    changes.pipeInput(key("x"), missingFields);
    changes.pipeInput(key("s1"), wrongKey);
    changes.pipeInput("nope/s1", unknownDataset);
    changes.pipeInput(key("s2"), wrongDims);
    changes.pipeInput("other/o1", needsModel);
    send(added(DS, "good2", vec(0, 1)));
    flush();

    List<TestRecord<String, byte[]>> letters = deadLetters.readRecordsToList();
    assertThat(letters).extracting(r -> reason(r).substring(0, reason(r).indexOf(':'))).containsExactly(
        "unparseable", "invalid_event", "key_mismatch", "unknown_dataset", "wrong_dims", "model_unavailable");
    assertThat(letters).extracting(TestRecord::value).containsExactly(notJson, missingFields, wrongKey,
        unknownDataset, wrongDims, needsModel);
    assertThat(letters).allSatisfy(r -> assertThat(header(r, Topics.DEAD_LETTER_SOURCE_HEADER))
        .isEqualTo(topics.changes().name()));
    assertThat(reason(letters.get(1))).contains("missing field: sampleId");
    assertThat(reason(letters.get(4))).contains("3 dims").contains("2 dims");
    assertThat(reason(letters.get(5))).contains("model no-such-model is not available");
    assertThat(writer.index("idx-cars-cos")).containsOnlyKeys("good1", "good2");
  }

  @Test
  void aRunCreatedLaterIsBackfilledFromTheSamplesStore() {
    for (int i = 0; i < 10; i++) {
      send(added(DS, "s" + i, vec(i + 1, 1)));
    }
    send(added("other", "o1", vec(1, 1)));
    send(deleted(DS, "s3"));
    flush();
    assertThat(writer.batches()).as("no runs yet, nothing to write").isEmpty();

    SimilarityRun late = run(DS, "late", Metric.EUCLIDEAN, 2);
    register(late);
    for (int i = 0; i < 10; i++) {
      driver.advanceWallClockTime(Duration.ofMillis(500));
    }
    assertThat(writer.index(late.indexName())).hasSize(9).doesNotContainKey("s3");
    assertThat(writer.index(late.indexName()).get("s7").vector()).containsExactly(8, 1);
    KeyValueStore<String, BackfillProgress> progress = driver.getKeyValueStore(IndexerTopology.BACKFILL_STORE);
    String progressKey = late.id() + "@" + writer.ensureIndex(late);
    assertThat(progress.get(progressKey).done()).isTrue();
    assertThat(progress.get(progressKey).count()).isEqualTo(9);
    assertThat(metrics.registry().find("simstream.indexer.backfill.expected").tag("run", late.id()).gauge().value())
        .isEqualTo(9);

    driver.close(); // the task leaves this instance: its next owner reports the backfill
    assertThat(metrics.registry().find("simstream.indexer.backfill.expected").gauges()).isEmpty();
    assertThat(metrics.registry().find("simstream.indexer.backfill.samples").gauges()).isEmpty();
    startDriver(new TopologyOptions(1000, Duration.ofMillis(50), 2, 3, 2, 1 << 20), "indexer-test");
  }

  @Test
  void modelRunsEmbedImagesOnceAndDeadLetterUnreadableOnes() {
    SimilarityRun clip = Events.modelRun(DS, "clip", "clip", 3);
    register(clip);
    send(Events.withImage(DS, "a", "file:/a.jpg"));
    send(Events.withImage(DS, "b", "file:/b.jpg"));
    send(Events.withImage(DS, "c", "file:/c.jpg"));
    send(Events.withImage(DS, "bad", "file:/broken.jpg"));
    flush();
    assertThat(writer.index(clip.indexName())).containsOnlyKeys("a", "b", "c");
    assertThat(embedCalls.get()).as("one call per model and flush: the model batches it").isEqualTo(1);
    List<TestRecord<String, byte[]>> letters = deadLetters.readRecordsToList();
    assertThat(letters).hasSize(1);
    assertThat(reason(letters.get(0))).startsWith("unreadable_image: cannot decode file:/broken.jpg");

    KeyValueStore<String, SampleState> samples = driver.getKeyValueStore(IndexerTopology.SAMPLES_STORE);
    assertThat(samples.get(key("a")).computed()).containsKey("clip");
    send(new io.simstream.event.SampleUpdated(1, DS, "a", "file:/a.jpg", Map.of(), List.of(), Events.T0));
    flush();
    assertThat(embedCalls.get()).as("same image, vector kept").isEqualTo(1);
    assertThat(writer.index(clip.indexName()).get("a").version()).isEqualTo(4);
  }

  @Test
  void anErrorWhileEmbeddingFailsTheStreamThreadInsteadOfHoldingTheBatchForGood() {
    register(Events.modelRun(DS, "clip", "clip", 3));
    driver.advanceWallClockTime(Duration.ofMillis(500));
    holdEmbeddings = true;
    send(Events.withImage(DS, "a", "file:/native.jpg"));
    flush();
    assertThat(heldEmbeddings).hasSize(1);

    // Run as the embedding pool runs it: an Error thrown out of the task only ends that pool thread.
    catchThrowable(heldEmbeddings.remove(0)::run);

    assertThat(catchThrowable(() -> {
      for (int tick = 0; tick < 5; tick++) {
        flush();
      }
    })).as("the stage's failure reaches the stream thread, which is replaced and retries the batch")
        .satisfiesAnyOf(t -> assertThat(t).isInstanceOf(UnsatisfiedLinkError.class),
            t -> assertThat(t).hasRootCauseInstanceOf(UnsatisfiedLinkError.class));
  }

  @Test
  void aRunCreatedWhileASampleIsEmbeddedGetsItsVectorNotADelete() {
    SimilarityRun whole = Events.modelRun(DS, "clip", "clip", 3);
    register(whole);
    driver.advanceWallClockTime(Duration.ofMillis(500)); // its backfill (of nothing) is done
    holdEmbeddings = true;
    BoundingBox box = new BoundingBox(0.1, 0.2, 0.3, 0.4);
    send(Events.withImageAndPatches(DS, "a", "file:/a.jpg", List.of(Events.box("l1", "ground_truth", box))));
    flush();
    assertThat(heldEmbeddings).as("the whole image's batch is in flight").hasSize(1);

    // A patch run arrives while the batch planned without it is embedded: its crops were not in that plan.
    SimilarityRun patches = Events.modelPatchRun(DS, "clip_gt", "clip", "ground_truth", 3);
    register(patches);
    holdEmbeddings = false;
    heldEmbeddings.forEach(Runnable::run);
    heldEmbeddings.clear();
    for (int tick = 0; tick < 10; tick++) {
      driver.advanceWallClockTime(Duration.ofMillis(500));
    }
    assertThat(writer.index(whole.indexName())).containsOnlyKeys("a");
    assertThat(writer.patches(patches.indexName())).containsOnlyKeys("l1");
    assertThat(writer.patches(patches.indexName()).get("l1").vector()).containsExactly(11, 0.1f, 0.3f);
  }

  /**
   * A sample with more patches than an embedding batch must not make one backfill chunk outlast the transaction
   * (it would roll back and run again for ever): its crops are embedded a batch per chunk and kept meanwhile.
   */
  @Test
  void aSampleWithMorePatchesThanAnEmbeddingBatchIsBackfilledABatchAtATime() {
    driver.close();
    startDriver(new TopologyOptions(1000, Duration.ofMillis(50), 2, 500, 2, 1 << 20), "indexer-test-backfill-patches");
    List<io.simstream.event.Patch> boxes = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      boxes.add(Events.box("l" + i, "ground_truth", new BoundingBox(0.05 * i, 0.1, 0.05, 0.1)));
    }
    send(Events.withImage(DS, "a", "file:/a.jpg"));
    send(Events.withImageAndPatches(DS, "b", "file:/slow-b.jpg", boxes));
    flush(); // no run yet: nothing to embed
    SimilarityRun patches = Events.modelPatchRun(DS, "clip_gt", "clip", "ground_truth", 3);
    register(patches);
    driver.advanceWallClockTime(Duration.ofMillis(500));
    // Each call takes 200 ms and the budget is 300 ms: a step ends after its second batch at most.
    assertThat(embedCalls.get()).as("embedding calls in the first backfill step").isBetween(1, 2);

    for (int tick = 0; tick < 30 && writer.patches(patches.indexName()).size() < 10; tick++) {
      driver.advanceWallClockTime(Duration.ofMillis(500));
    }
    assertThat(writer.patches(patches.indexName())).hasSize(10);
    assertThat(embedCalls.get()).as("each crop once, in batches of 2").isEqualTo(5);
  }

  /** Crops that fail while a sample is embedded a batch at a time are dead-lettered once, not tried at each batch. */
  @Test
  void theFailedCropsOfASampleBackfilledABatchAtATimeAreDeadLetteredOnce() {
    driver.close();
    startDriver(new TopologyOptions(1000, Duration.ofMillis(50), 2, 500, 2, 1 << 20), "indexer-test-backfill-broken");
    List<io.simstream.event.Patch> boxes = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      boxes.add(Events.box("l" + i, "ground_truth", new BoundingBox(0.1 * i, 0.1, 0.1, 0.1)));
    }
    send(Events.withImageAndPatches(DS, "b", "file:/broken-b.jpg", boxes));
    flush();
    SimilarityRun patches = Events.modelPatchRun(DS, "clip_gt", "clip", "ground_truth", 3);
    register(patches);
    for (int tick = 0; tick < 10; tick++) {
      driver.advanceWallClockTime(Duration.ofMillis(500));
    }

    assertThat(deadLetters.readRecordsToList()).hasSize(5);
    assertThat(embedded).as("each crop tried once").hasSize(5);
    assertThat(writer.patches(patches.indexName())).isEmpty();
  }

  @Test
  void aModelRunsBackfillEmbedsABoundedBatchPerStepSoTheTransactionCommitsBetween() {
    // Chunks of 500 samples: the step's time budget, not the chunk, must bound the work between commits.
    driver.close();
    startDriver(new TopologyOptions(1000, Duration.ofMillis(50), 2, 500, 2, 1 << 20), "indexer-test-backfill");
    for (int i = 0; i < 20; i++) {
      send(Events.withImage(DS, "s" + i, "file:/slow-" + i + ".jpg"));
    }
    flush(); // no run yet: nothing to embed
    assertThat(embedCalls.get()).isZero();
    SimilarityRun clip = Events.modelRun(DS, "clip", "clip", 3);
    register(clip);
    driver.advanceWallClockTime(Duration.ofMillis(500));
    // Each call takes 200 ms and the budget is 300 ms: a step ends after its second batch at most.
    assertThat(embedCalls.get()).as("embedding calls in the first backfill step").isBetween(1, 2);
    for (int tick = 0; tick < 30 && writer.index(clip.indexName()).size() < 20; tick++) {
      driver.advanceWallClockTime(Duration.ofMillis(500));
    }
    assertThat(writer.index(clip.indexName())).hasSize(20);
    assertThat(embedCalls.get()).as("each image once, in batches of 2").isEqualTo(10);
  }

  @Test
  void aBackfillWaitingOnElasticsearchLetsTheStepEndAndFinishesOnceTheWritesComplete() {
    for (int i = 0; i < 20; i++) {
      send(added(DS, "s" + i, vec(i + 1, 1)));
    }
    flush();
    SimilarityRun late = run(DS, "late", Metric.COSINE, 2);
    writer.hold();
    register(late);
    try {
      // The step's wait is bounded, so the task's transaction commits while Elasticsearch does not answer.
      assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
        for (int tick = 0; tick < 3; tick++) {
          driver.advanceWallClockTime(Duration.ofMillis(500));
        }
      }, "a backfill step waited for a held write");
      KeyValueStore<String, BackfillProgress> progress = driver.getKeyValueStore(IndexerTopology.BACKFILL_STORE);
      assertThat(entries(progress)).as("no progress before Elasticsearch took the chunk").isZero();
    } finally {
      writer.release();
    }
    for (int tick = 0; tick < 20 && writer.index(late.indexName()).size() < 20; tick++) {
      driver.advanceWallClockTime(Duration.ofMillis(500));
    }
    assertThat(writer.index(late.indexName())).hasSize(20);
  }

  /** At most one write per document in flight: a newer write must not race a chunk's retry of an older one. */
  @Test
  void aSampleInABackfillChunkInFlightWaitsForItBeforeTheOutboxWritesItsNewerState() {
    for (int i = 0; i < 20; i++) {
      send(added(DS, "s" + i, vec(i + 1, 1)));
    }
    flush();
    SimilarityRun late = run(DS, "late", Metric.COSINE, 2);
    writer.hold();
    try {
      register(late);
      driver.advanceWallClockTime(Duration.ofMillis(500));
      assertThat(writer.inFlight()).as("the first chunk (s0, s1, s10)").isEqualTo(1);

      send(deleted(DS, "s1"));
      flush();
      flush();
      assertThat(writer.inFlight()).as("the delete of s1 waits for the chunk writing s1").isEqualTo(1);
    } finally {
      writer.release();
    }
    for (int tick = 0; tick < 20 && writer.index(late.indexName()).size() < 19; tick++) {
      driver.advanceWallClockTime(Duration.ofMillis(500));
    }
    flush();
    assertThat(writer.index(late.indexName())).hasSize(19).doesNotContainKey("s1");
    KeyValueStore<String, PendingChange> pending = driver.getKeyValueStore(IndexerTopology.PENDING_STORE);
    assertThat(entries(pending)).isZero();
  }

  @Test
  void computedVectorsThatWouldOverflowTheStatesRecordAreDeadLetteredNotStored() {
    SimilarityRun patchRun = Events.modelPatchRun(DS, "wide_gt", "wide", "ground_truth", WIDE_DIMS);
    register(patchRun);
    driver.advanceWallClockTime(Duration.ofMillis(500));
    // 1,200 boxes are a small event, but 1,200 vectors of 4,096 floats are 19.7 MB: over the 16 MiB record limit.
    List<Patch> boxes = new ArrayList<>();
    for (int i = 0; i < 1200; i++) {
      boxes.add(Events.box("l" + i, "ground_truth", new BoundingBox(0.1, 0.1, 0.5, 0.5)));
    }
    send(Events.withImageAndPatches(DS, "dense", "file:/dense.jpg", boxes));
    for (int tick = 0; tick < 5; tick++) {
      flush();
    }
    KeyValueStore<String, SampleState> samples = driver.getKeyValueStore(IndexerTopology.SAMPLES_STORE);
    SampleState stored = samples.get(key("dense"));
    assertThat(stored.patches()).hasSize(1200);
    assertThat(new SampleStateSerde().serializer().serialize("changelog", stored)).as("the changelog record fits")
        .hasSizeLessThan(Topics.MAX_RECORD_BYTES);
    List<TestRecord<String, byte[]>> letters = deadLetters.readRecordsToList();
    assertThat(letters).as("one dead letter for the sample and model, not one per patch").hasSize(1);
    assertThat(reason(letters.get(0))).startsWith("too_large: ");
    KeyValueStore<String, PendingChange> pending = driver.getKeyValueStore(IndexerTopology.PENDING_STORE);
    assertThat(entries(pending)).as("the sample's write went on with the vectors kept").isZero();
    assertThat(writer.patches(patchRun.indexName()).size()).isBetween(1, 1199);
  }

  @Test
  void patchRunsWithAModelEmbedCropsInBatchesAndKeepTheirVectorsWhileImageAndBoxStay() {
    SimilarityRun whole = Events.modelRun(DS, "clip", "clip", 3);
    SimilarityRun patches = Events.modelPatchRun(DS, "clip_gt", "clip", "ground_truth", 3);
    register(whole);
    register(patches);
    BoundingBox box1 = new BoundingBox(0.1, 0.2, 0.3, 0.4);
    BoundingBox box2 = new BoundingBox(0.5, 0.5, 0.25, 0.25);
    send(Events.withImageAndPatches(DS, "a", "file:/a.jpg", List.of(Events.box("l1", "ground_truth", box1),
        Events.box("l2", null, box2), Events.box("l3", "predictions", box1),
        patch("l4", "ground_truth", vec(0, 0, 1)))));
    flush();

    assertThat(embedded).as("the image and the crops of its field's patches without vectors").containsExactly(
        ImageEmbedder.Image.whole("file:/a.jpg"), ImageEmbedder.Image.cropped("file:/a.jpg", box1),
        ImageEmbedder.Image.cropped("file:/a.jpg", box2));
    // Three images in batches of 2: split over two calls, the image would be fetched and decoded twice.
    assertThat(embedCalls.get()).as("the image and its crops in one call").isEqualTo(1);
    assertThat(writer.index(whole.indexName()).get("a").vector()).containsExactly(11, 1, 2);
    assertThat(writer.patches(patches.indexName())).containsOnlyKeys("l1", "l2", "l4");
    assertThat(writer.patches(patches.indexName()).get("l1").vector()).containsExactly(11, 0.1f, 0.3f);
    assertThat(writer.patches(patches.indexName()).get("l2").vector()).containsExactly(11, 0.5f, 0.25f);
    assertThat(writer.patches(patches.indexName()).get("l4").vector()).containsExactly(0, 0, 1);
    KeyValueStore<String, SampleState> samples = driver.getKeyValueStore(IndexerTopology.SAMPLES_STORE);
    assertThat(samples.get(key("a")).computedFor("l1")).containsOnlyKeys("clip");

    BoundingBox moved = new BoundingBox(0.6, 0.5, 0.2, 0.25);
    send(Events.updatedImageAndPatches(DS, "a", "file:/a.jpg", List.of(Events.box("l1", "ground_truth", box1),
        Events.box("l2", null, moved))));
    flush();
    assertThat(embedded).as("only the moved box is embedded again").hasSize(4)
        .last().isEqualTo(ImageEmbedder.Image.cropped("file:/a.jpg", moved));
    assertThat(writer.patches(patches.indexName())).containsOnlyKeys("l1", "l2");
    assertThat(writer.patches(patches.indexName()).get("l1").version()).isEqualTo(1);
    assertThat(writer.patches(patches.indexName()).get("l2").vector()).containsExactly(11, 0.6f, 0.2f);
    assertThat(samples.get(key("a")).patchesComputed()).containsOnlyKeys("l1", "l2");

    send(Events.updatedImageAndPatches(DS, "a", "file:/a2.jpg", List.of(Events.box("l1", "ground_truth", box1))));
    flush();
    assertThat(embedded).as("a new image embeds everything again").hasSize(6).endsWith(
        ImageEmbedder.Image.whole("file:/a2.jpg"), ImageEmbedder.Image.cropped("file:/a2.jpg", box1));
    assertThat(writer.patches(patches.indexName())).containsOnlyKeys("l1");
    assertThat(writer.patches(patches.indexName()).get("l1").vector()).containsExactly(12, 0.1f, 0.3f);
  }

  @Test
  void patchesThatCannotBeEmbeddedAreDeadLetteredOneByOne() throws Exception {
    SimilarityRun patches = Events.modelPatchRun(DS, "clip_gt", "clip", "ground_truth", 3);
    register(patches);
    register(Events.modelPatchRun("other", "ghost", "no-such-model", "ground_truth", 3));
    BoundingBox box = new BoundingBox(0.1, 0.2, 0.3, 0.4);
    send(Events.withImageAndPatches(DS, "bad", "file:/broken.jpg", List.of(Events.box("b1", "ground_truth", box),
        Events.box("b2", null, box))));
    send(Events.withImageAndPatches(DS, "good", "file:/g.jpg", List.of(Events.box("g1", "ground_truth", box))));
    byte[] needsModel = bytes(Events.withImageAndPatches("other", "o1", "file:/o.jpg",
        List.of(Events.box("o1", "ground_truth", box))));
    changes.pipeInput("other/o1", needsModel);
    flush();

    assertThat(writer.patches(patches.indexName())).containsOnlyKeys("g1");
    List<TestRecord<String, byte[]>> letters = deadLetters.readRecordsToList();
    assertThat(letters).extracting(TestRecord::key).containsExactly("other/o1", key("bad"), key("bad"));
    assertThat(reason(letters.get(0))).startsWith("model_unavailable: model no-such-model is not available");
    assertThat(letters.get(0).value()).isEqualTo(needsModel);
    List<TestRecord<String, byte[]>> unreadable = letters.subList(1, 3);
    assertThat(unreadable).allSatisfy(r -> {
      assertThat(reason(r)).isEqualTo("unreadable_image: cannot decode file:/broken.jpg");
      assertThat(header(r, Topics.DEAD_LETTER_SOURCE_HEADER)).isEqualTo("clip");
    });
    assertThat(unreadable).extracting(r -> Json.MAPPER.readTree(r.value()).path("labelId").asText())
        .containsExactly("b1", "b2");
    assertThat(Json.MAPPER.readTree(unreadable.get(0).value()).path("imageUri").asText())
        .isEqualTo("file:/broken.jpg");
  }

  @Test
  void replayedWritesAreVersionConflictsNotFailures() {
    register(run(DS, "cos", Metric.COSINE, 2));
    send(added(DS, "s1", vec(1, 0)));
    flush();
    List<io.simstream.indexer.write.WriteOp> first = new ArrayList<>(writer.batches().get(0));
    writer.write(first);
    assertThat(writer.conflicts()).isEqualTo(1);
    assertThat(VectorMath.norm(writer.index("idx-cars-cos").get("s1").vector())).isEqualTo(1.0);
  }

  @Test
  void aPatchThatChangedFieldLeavesTheOldFieldsIndexEvenWhenUpdatedAgainBeforeTheFlush() {
    SimilarityRun gt = patchRun(DS, "gt", "ground_truth", 2);
    SimilarityRun pred = patchRun(DS, "pred", "predictions", 2);
    register(gt);
    register(pred);
    send(Events.withPatches(DS, "s1", List.of(patch("l1", "ground_truth", vec(1, 0)))));
    flush();
    assertThat(writer.patches(gt.indexName())).containsOnlyKeys("l1");

    send(Events.updatedPatches(DS, "s1", List.of(patch("l1", "predictions", vec(1, 0)))));
    send(Events.updatedPatches(DS, "s1", List.of(patch("l1", "predictions", vec(0, 1)))));
    flush();

    assertThat(writer.patches(gt.indexName())).as("no ghost in the field l1 left").isEmpty();
    assertThat(writer.patches(pred.indexName())).containsOnlyKeys("l1");
    assertThat(writer.patches(pred.indexName()).get("l1").vector()).containsExactly(0, 1);
  }

  @Test
  void aRunAnEventDoesNotFitGetsItsOwnDeadLetterWhileTheOtherRunsIndexIt() {
    SimilarityRun small = run(DS, "small", Metric.COSINE, 2);
    SimilarityRun large = run(DS, "large", Metric.EUCLIDEAN, 3);
    register(small);
    register(large);
    send(added(DS, "s1", vec(1, 2, 3)));
    flush();

    assertThat(writer.index(large.indexName())).containsOnlyKeys("s1");
    assertThat(writer.index(small.indexName())).isEmpty();
    List<TestRecord<String, byte[]>> letters = deadLetters.readRecordsToList();
    assertThat(letters).hasSize(1);
    assertThat(reason(letters.get(0))).startsWith("wrong_dims:").contains("'small'");
    KeyValueStore<String, SampleState> samples = driver.getKeyValueStore(IndexerTopology.SAMPLES_STORE);
    assertThat(samples.get(key("s1"))).as("the state is applied for every run").isNotNull();

    send(updated(DS, "s1", vec(4, 5, 6)));
    flush();
    assertThat(writer.index(large.indexName()).get("s1").vector()).as("the sample is not frozen")
        .containsExactly(4, 5, 6);
  }

  @Test
  void theRunsOfADatasetAreReadAgainAfterTheRunsTopicChanges() {
    register(run(DS, "large", Metric.EUCLIDEAN, 3));
    send(added(DS, "s1", vec(1, 2, 3)));
    assertThat(deadLetters.readRecordsToList()).isEmpty();

    SimilarityRun small = run(DS, "small", Metric.COSINE, 2);
    register(small);
    send(added(DS, "s2", vec(1, 2, 3)));
    assertThat(deadLetters.readRecordsToList()).as("the run created after the dataset's last event is checked")
        .singleElement().satisfies(letter -> assertThat(reason(letter)).contains("'small'"));

    runs.pipeInput(small.key(), null);
    send(added(DS, "s3", vec(1, 2, 3)));
    assertThat(deadLetters.readRecordsToList()).as("a deleted run is no longer checked").isEmpty();
  }

  @Test
  void aModelRunEmbedsTheImageInsteadOfTakingADefaultVectorOfAnotherSize() {
    SimilarityRun clip = Events.modelRun(DS, "clip", "clip", 3);
    register(clip);
    send(new io.simstream.event.SampleAdded(1, DS, "s1", "file:/a.jpg", Map.of("default", vec(1, 2)), List.of(),
        Events.T0));
    flush();

    assertThat(deadLetters.readRecordsToList()).isEmpty();
    assertThat(writer.index(clip.indexName()).get("s1").vector()).containsExactly(11, 1, 2);
  }

  @Test
  void anEntryChangedWhileItsWriteIsInFlightStaysAndIsWrittenAgain() {
    register(run(DS, "cos", Metric.COSINE, 2));
    writer.hold();
    send(added(DS, "s1", vec(1, 0)));
    flush();
    assertThat(writer.inFlight()).isEqualTo(1);

    send(updated(DS, "s1", vec(0, 1)));
    flush();
    assertThat(writer.inFlight()).as("at most one write per sample in flight").isEqualTo(1);

    writer.release();
    flush();
    KeyValueStore<String, PendingChange> pending = driver.getKeyValueStore(IndexerTopology.PENDING_STORE);
    flush();
    assertThat(pending.get(key("s1"))).isNull();
    assertThat(writer.index("idx-cars-cos").get("s1").vector()).containsExactly(0, 1);
    assertThat(writer.batches()).hasSize(2);
  }

  /** With the default options here: max wait 50 ms, so the punctuator looks every 25 ms. */
  @Test
  void aPartialBatchWaitsTheMaxWaitWhileChangesKeepComingAndHalfOfItOnceTheyPause() {
    register(run(DS, "cos", Metric.COSINE, 2));
    driver.advanceWallClockTime(Duration.ofMillis(500));
    Duration step = Duration.ofMillis(5);

    int waitedMs = 0;
    for (int i = 0; writer.batches().isEmpty(); i++) {
      send(added(DS, "flowing-" + i, vec(1, 0)));
      driver.advanceWallClockTime(step);
      waitedMs += 5;
    }
    assertThat(waitedMs).as("changes kept coming: the oldest waited the max wait").isBetween(50, 80);

    send(added(DS, "alone", vec(1, 0)));
    int batches = writer.batches().size();
    waitedMs = 0;
    while (writer.batches().size() == batches) {
      driver.advanceWallClockTime(step);
      waitedMs += 5;
    }
    assertThat(waitedMs).as("the input paused: half the max wait, plus up to one look").isBetween(25, 50);
    assertThat(writer.batches().get(batches)).hasSize(1);
  }

  @Test
  void randomChangesWhileWritesAreHeldInFlightEndWithTheIndexEqualToTheDataset() {
    register(run(DS, "cos", Metric.COSINE, 2));
    // The run's backfill (of nothing) is done before writes are held: a backfill waits for its writes.
    driver.advanceWallClockTime(Duration.ofMillis(500));
    Random random = new Random(7);
    Map<String, float[]> dataset = new HashMap<>();
    KeyValueStore<String, PendingChange> pending = driver.getKeyValueStore(IndexerTopology.PENDING_STORE);
    for (int round = 0; round < 30; round++) {
      for (int step = 0; step < 200; step++) {
        int action = random.nextInt(10);
        if (action < 6) {
          String id = "s" + random.nextInt(20);
          if (random.nextInt(4) == 0) {
            send(deleted(DS, id));
            dataset.remove(id);
          } else {
            float[] vector = vec(1 + random.nextInt(100), 1 + random.nextInt(100));
            send(dataset.containsKey(id) ? updated(DS, id, vector) : added(DS, id, vector));
            dataset.put(id, vector);
          }
        } else if (action < 8) {
          flush();
        } else if (action == 8) {
          writer.release();
        } else {
          writer.hold();
        }
      }
      writer.release();
      for (int tick = 0; tick < 10 && entries(pending) > 0; tick++) {
        flush();
      }

      assertThat(entries(pending)).as("round %d: every entry was written and acknowledged", round).isZero();
      Map<String, RecordingWriter.Doc> index = writer.index("idx-cars-cos");
      assertThat(index).as("round %d", round).containsOnlyKeys(dataset.keySet());
      dataset.forEach((id, vector) -> assertThat(index.get(id).vector()).as(id).containsExactly(vector));
    }
  }

  @Test
  void randomChangesWhileAPatchIndexComesAndGoesEndWithEveryIndexEqualToTheDataset() {
    SimilarityRun whole = run(DS, "cos", Metric.COSINE, 2);
    SimilarityRun patches = patchRun(DS, "gt", "ground_truth", 2);
    register(whole);
    register(patches);
    driver.advanceWallClockTime(Duration.ofMillis(500)); // both backfills (of nothing) done: the runs were written
    Random random = new Random(11);
    Map<String, float[]> vectors = new HashMap<>();
    Map<String, List<Patch>> patchesOf = new HashMap<>();
    KeyValueStore<String, PendingChange> pending = driver.getKeyValueStore(IndexerTopology.PENDING_STORE);
    KeyValueStore<String, PendingChange> owed = driver.getKeyValueStore(IndexerTopology.OWED_STORE);
    for (int round = 0; round < 20; round++) {
      for (int step = 0; step < 200; step++) {
        int action = random.nextInt(12);
        String id = "s" + random.nextInt(15);
        if (action < 2) {
          send(deleted(DS, id));
          vectors.remove(id);
          patchesOf.remove(id);
        } else if (action < 7) {
          float[] vector = vec(1 + random.nextInt(100), 1 + random.nextInt(100));
          List<Patch> boxes = new ArrayList<>();
          for (int label = random.nextInt(4); label > 0; label--) {
            // Labels change field, leave and come back: each must end in the index of its field alone.
            boxes.add(patch(id + "-l" + random.nextInt(4), random.nextBoolean() ? "ground_truth" : "predictions",
                vec(1 + random.nextInt(100), 1)));
          }
          List<Patch> distinct = boxes.stream().collect(java.util.stream.Collectors.toMap(Patch::labelId, b -> b,
              (a, b) -> a, java.util.LinkedHashMap::new)).values().stream().toList();
          send(vectors.containsKey(id)
              ? new SampleUpdated(1, DS, id, null, Map.of(SimilarityRun.DEFAULT_EMBEDDING, vector), distinct, Events.T0)
              : new SampleAdded(1, DS, id, null, Map.of(SimilarityRun.DEFAULT_EMBEDDING, vector), distinct, Events.T0));
          vectors.put(id, vector);
          patchesOf.put(id, distinct);
        } else if (action < 9) {
          flush();
        } else if (action == 9) {
          writer.unreadable(patches.indexName());
        } else if (action == 10) {
          writer.allow(patches.indexName());
        } else {
          driver.advanceWallClockTime(Duration.ofMillis(500)); // a backfill step: what is owed, if shown
        }
      }
      writer.allow(patches.indexName());
      for (int tick = 0; tick < 20 && entries(pending) + entries(owed) > 0; tick++) {
        driver.advanceWallClockTime(Duration.ofMillis(500));
      }

      assertThat(entries(pending)).as("round %d: every entry was written and acknowledged", round).isZero();
      assertThat(entries(owed)).as("round %d: nothing is owed", round).isZero();
      Map<String, RecordingWriter.Doc> samples = writer.index(whole.indexName());
      assertThat(samples).as("round %d", round).containsOnlyKeys(vectors.keySet());
      vectors.forEach((id, vector) -> assertThat(samples.get(id).vector()).as(id).containsExactly(vector));
      Map<String, float[]> expected = new HashMap<>();
      patchesOf.values().forEach(list -> list.stream().filter(p -> p.field().equals("ground_truth"))
          .forEach(p -> expected.put(p.labelId(), p.embeddings().get(SimilarityRun.DEFAULT_EMBEDDING))));
      Map<String, RecordingWriter.Doc> labels = writer.patches(patches.indexName());
      assertThat(labels).as("round %d", round).containsOnlyKeys(expected.keySet());
      expected.forEach((label, vector) -> assertThat(labels.get(label).vector()).as(label).containsExactly(vector));
    }
  }

  /**
   * A full batch whose task has no stage free does not hold the stream thread until a few batches wait: held there,
   * it kept the thread from the other tasks, whose completed stages then sent nothing.
   */
  @Test
  void aFullBatchWithNoStageFreeHoldsTheThreadOnlyOnceSeveralBatchesWait() {
    driver.close();
    startDriver(new TopologyOptions(5, Duration.ofMillis(50), 2, 3, 1, 1 << 20), "indexer-test-slack");
    SimilarityRun cos = run(DS, "cos", Metric.COSINE, 2);
    register(cos);
    driver.advanceWallClockTime(Duration.ofMillis(500));
    writer.hold();
    for (int i = 0; i < 5; i++) {
      send(added(DS, "s" + i, vec(1, i)));
    }
    assertThat(writer.inFlight()).as("the first batch is in flight").isEqualTo(1);

    long start = System.nanoTime();
    for (int i = 5; i < 20; i++) {
      send(added(DS, "s" + i, vec(1, i)));
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    // Waiting for room at each of these 15 records took a second each (CAPACITY_WAIT).
    assertThat(took).isLessThan(Duration.ofSeconds(10));
    writer.release();
    for (int tick = 0; tick < 10 && writer.index(cos.indexName()).size() < 20; tick++) {
      driver.advanceWallClockTime(TICK);
      writer.release();
    }
    assertThat(writer.index(cos.indexName())).hasSize(20);
  }

  /** Elasticsearch shows the run's index again: past the writer's re-check, a flush and a backfill step later. */
  private void showAgain(SimilarityRun run) {
    writer.allow(run.indexName());
    driver.advanceWallClockTime(Duration.ofSeconds(31));
    flush();
    driver.advanceWallClockTime(Duration.ofMillis(500));
  }

  /** A clip run of {@link #DS}, on weights "weights-1", whose index holds the vectors of two images, s1 and s2. */
  private SimilarityRun clipRunHoldingTwoImages() {
    clipCheckpoint = "weights-1";
    SimilarityRun clip = Events.modelRun(DS, "clip", "clip", 3);
    register(clip);
    driver.advanceWallClockTime(Duration.ofMillis(500));
    send(Events.withImage(DS, "s1", "file:/a.jpg"));
    send(Events.withImage(DS, "s2", "file:/bb.jpg"));
    flush();
    driver.advanceWallClockTime(Duration.ofMillis(500));
    return clip;
  }

  /** The indexer restarted with another SIMSTREAM_EMBEDDING_CLIP_DIR: lets the backfill embed the images again. */
  private void refillWithOtherWeights() {
    clipCheckpoint = OTHER_WEIGHTS;
    for (int tick = 0; tick < 5 && embedCalls.get() < 2; tick++) {
      driver.advanceWallClockTime(Duration.ofMillis(500));
    }
    driver.advanceWallClockTime(Duration.ofMillis(500));
  }

  /** A cosine run of {@link #DS} whose index holds s1 = (1, 0) and s2 = (0, 1). */
  private SimilarityRun runHoldingTwoSamples(String brainKey) {
    SimilarityRun run = run(DS, brainKey, Metric.COSINE, 2);
    register(run);
    send(added(DS, "s1", vec(1, 0)));
    send(added(DS, "s2", vec(0, 1)));
    flush();
    driver.advanceWallClockTime(Duration.ofMillis(500));
    assertThat(writer.index(run.indexName())).containsOnlyKeys("s1", "s2");
    return run;
  }

  private static <V> int entries(KeyValueStore<String, V> store) {
    try (var all = store.all()) {
      int n = 0;
      for (; all.hasNext(); all.next()) {
        n++;
      }
      return n;
    }
  }

  @Test
  void anIndexDeletedUnderALiveRunIsFilledAgainByTheBackfill() {
    SimilarityRun cos = runHoldingTwoSamples("cos");

    writer.dropIndex(cos.indexName());
    driver.advanceWallClockTime(Duration.ofMillis(500));

    assertThat(writer.index(cos.indexName())).containsOnlyKeys("s1", "s2");
  }

  @Test
  void imagesThatFailToFetchStayPendingAndAreRetriedBeforeTheyAreDeadLettered() {
    SimilarityRun clip = Events.modelRun(DS, "clip", "clip", 3);
    register(clip);
    send(Events.withImage(DS, "s1", "file:/flaky.jpg"));
    send(Events.withImage(DS, "s2", "file:/down.jpg"));
    flush();
    assertThat(deadLetters.readRecordsToList()).as("a fetch failure is not dead-lettered at once").isEmpty();
    assertThat(writer.index(clip.indexName())).isEmpty();
    KeyValueStore<String, PendingChange> pending = driver.getKeyValueStore(IndexerTopology.PENDING_STORE);
    assertThat(pending.get(key("s1"))).isNotNull();

    for (int i = 0; i < 10; i++) {
      driver.advanceWallClockTime(Duration.ofSeconds(1));
    }

    assertThat(writer.index(clip.indexName())).containsOnlyKeys("s1");
    List<TestRecord<String, byte[]>> letters = deadLetters.readRecordsToList();
    assertThat(letters).extracting(TestRecord::key).containsExactly(key("s2"));
    assertThat(reason(letters.get(0))).startsWith("unreadable_image: connection reset");
    assertThat(embedded.stream().filter(i -> i.uri().contains("down")))
        .as("tried %d times", Outbox.IMAGE_ATTEMPTS).hasSize(Outbox.IMAGE_ATTEMPTS);
    assertThat(pending.get(key("s2"))).as("written without a vector once given up").isNull();
  }

  /**
   * A vector kept in a sample's state is reused only by the weights that computed it: after the model's files
   * changed (another CLIP checkpoint under the same name), a new run of the model embeds the image again.
   */
  @Test
  void aVectorComputedByOtherWeightsOfTheModelIsNotReused() {
    clipCheckpoint = "weights-1";
    SimilarityRun first = Events.modelRun(DS, "clip", "clip", 3);
    register(first);
    driver.advanceWallClockTime(Duration.ofMillis(500));
    send(Events.withImage(DS, "s1", "file:/a.jpg"));
    flush();
    assertThat(embedCalls.get()).isEqualTo(1);

    clipCheckpoint = OTHER_WEIGHTS;
    SimilarityRun second = Events.modelRun(DS, "clip_again", "clip", 3);
    register(second);
    for (int tick = 0; tick < 5 && writer.index(second.indexName()).isEmpty(); tick++) {
      driver.advanceWallClockTime(Duration.ofMillis(500));
    }

    assertThat(writer.index(second.indexName())).containsOnlyKeys("s1");
    assertThat(embedCalls.get()).as("embedded again by the new weights").isEqualTo(2);
    SampleState state = driver.<String, SampleState>getKeyValueStore(IndexerTopology.SAMPLES_STORE).get(key("s1"));
    assertThat(state.computed()).as("the old weights' vector is not kept beside it").hasSize(1);
  }

  /** After the model's weights change, the run's index is filled again with their vectors, documents of the same version included. */
  @Test
  void aRunsIndexIsFilledAgainWithTheVectorsOfItsModelsNewWeights() {
    SimilarityRun clip = clipRunHoldingTwoImages();
    assertThat(writer.index(clip.indexName()).get("s1").vector()).containsExactly(11, 1, 2);

    refillWithOtherWeights();

    assertThat(writer.index(clip.indexName())).containsOnlyKeys("s1", "s2");
    assertThat(writer.index(clip.indexName()).get("s1").vector()).containsExactly(11, 1, 3);
    assertThat(writer.index(clip.indexName()).get("s2").vector()).containsExactly(12, 1, 3);
  }

  @Test
  void aRefusedVectorOfNewWeightsDoesNotLeaveTheOldWeightsVectorSearchable() {
    SimilarityRun clip = clipRunHoldingTwoImages();
    assertThat(writer.index(clip.indexName())).containsOnlyKeys("s1", "s2");

    writer.rejectVectorsStartingWith(12); // s2's vector under the new weights
    refillWithOtherWeights();

    assertThat(writer.index(clip.indexName())).as("the old weights' vector of s2 is withdrawn").containsOnlyKeys("s1");
    assertThat(writer.index(clip.indexName()).get("s1").vector()).containsExactly(11, 1, 3);
    assertThat(deadLetters.readRecordsToList()).extracting(TestRecord::key).containsExactly(key("s2"));
  }

  /** A model that overflows (NaN, infinity) gives no vector to index or keep: the image is dead-lettered once. */
  @Test
  void aModelVectorThatIsNotFiniteIsDeadLetteredNotKept() {
    SimilarityRun clip = Events.modelRun(DS, "clip", "clip", 3);
    register(clip);
    driver.advanceWallClockTime(Duration.ofMillis(500));
    send(Events.withImage(DS, "s1", "file:/overflow.jpg"));
    send(Events.withImage(DS, "s2", "file:/a.jpg"));
    flush();

    List<TestRecord<String, byte[]>> letters = deadLetters.readRecordsToList();
    assertThat(letters).extracting(TestRecord::key).containsExactly(key("s1"));
    assertThat(reason(letters.get(0))).startsWith("wrong_dims: model clip gave a value that is not finite");
    assertThat(writer.index(clip.indexName())).containsOnlyKeys("s2");
    SampleState state = driver.<String, SampleState>getKeyValueStore(IndexerTopology.SAMPLES_STORE).get(key("s1"));
    assertThat(state.computed()).as("not kept, so not written again").isEmpty();
  }

  /** An image replaced while it was embedded is no longer the sample's: its failure is neither dead-lettered nor retried. */
  @Test
  void theFailureOfAnImageReplacedWhileItWasEmbeddedIsDropped() {
    SimilarityRun clip = Events.modelRun(DS, "clip", "clip", 3);
    register(clip);
    driver.advanceWallClockTime(Duration.ofMillis(500));
    holdEmbeddings = true;
    send(Events.withImage(DS, "s1", "file:/broken.jpg"));
    flush();
    assertThat(heldEmbeddings).hasSize(1);

    send(new io.simstream.event.SampleUpdated(1, DS, "s1", "file:/ok.jpg", Map.of(), List.of(), Events.T0));
    holdEmbeddings = false;
    heldEmbeddings.forEach(Runnable::run);
    heldEmbeddings.clear();
    for (int tick = 0; tick < 10; tick++) {
      driver.advanceWallClockTime(Duration.ofMillis(500));
    }

    assertThat(deadLetters.readRecordsToList()).as("broken.jpg is no longer the sample's image").isEmpty();
    assertThat(writer.index(clip.indexName()).get("s1").vector()).containsExactly(12, 1, 2);
  }

  /** A new image gets its own tries, even when the one it replaced used them up while in flight. */
  @Test
  void aNewImageGetsItsOwnTriesWhenTheReplacedOneUsedThemUpInFlight() {
    SimilarityRun clip = Events.modelRun(DS, "clip", "clip", 3);
    register(clip);
    driver.advanceWallClockTime(Duration.ofMillis(500));
    send(Events.withImage(DS, "s1", "file:/down.jpg"));
    flush();
    for (int second = 0; second < 5 && embedded.size() < Outbox.IMAGE_ATTEMPTS - 1; second++) {
      driver.advanceWallClockTime(Duration.ofSeconds(1));
    }
    assertThat(embedded).as("tried all but once").hasSize(Outbox.IMAGE_ATTEMPTS - 1);
    holdEmbeddings = true;
    for (int second = 0; second < 10 && heldEmbeddings.isEmpty(); second++) {
      driver.advanceWallClockTime(Duration.ofSeconds(1));
    }
    assertThat(heldEmbeddings).as("its last try in flight").hasSize(1);

    flakyFailures.set(1); // the new image fails once, then loads
    send(new io.simstream.event.SampleUpdated(1, DS, "s1", "file:/flaky.jpg", Map.of(), List.of(), Events.T0));
    holdEmbeddings = false;
    heldEmbeddings.forEach(Runnable::run);
    heldEmbeddings.clear();
    for (int second = 0; second < 20; second++) {
      driver.advanceWallClockTime(Duration.ofSeconds(1));
    }

    assertThat(deadLetters.readRecordsToList()).isEmpty();
    assertThat(writer.index(clip.indexName()).get("s1").vector()).containsExactly(15, 1, 2);
  }

  @Test
  void aChangeWhoseStateWouldNotFitTheChangelogIsDeadLetteredAndThePreviousStateKept() {
    register(run(DS, "cos", Metric.COSINE, 2));
    send(added(DS, "s1", vec(1, 0)));
    float[] enormous = new float[(int) (SampleState.MAX_BYTES / 4) + 1];
    enormous[0] = 1;
    send(updated(DS, "s1", enormous));
    send(added(DS, "s2", vec(0, 1)));
    flush();

    List<TestRecord<String, byte[]>> letters = deadLetters.readRecordsToList();
    assertThat(letters).hasSize(1);
    assertThat(reason(letters.get(0))).startsWith("too_large:");
    assertThat(header(letters.get(0), Topics.DEAD_LETTER_OFFSET_HEADER)).isEqualTo("1");
    assertThat(writer.index("idx-cars-cos")).containsOnlyKeys("s1", "s2");
    assertThat(writer.index("idx-cars-cos").get("s1").vector()).containsExactly(1, 0);
  }

  @Test
  void aRunWhoseIndexCannotBeCreatedWaitsWithoutStallingTheOthersAndIsFilledOnceItCan() {
    SimilarityRun blocked = run(DS, "blocked", Metric.COSINE, 2);
    SimilarityRun fine = run(DS, "fine", Metric.COSINE, 2);
    SimilarityRun elsewhere = run("other", "cos", Metric.COSINE, 2);
    writer.refuse(blocked.indexName());
    register(blocked);
    register(fine);
    register(elsewhere);
    send(added(DS, "s1", vec(1, 0)));
    send(added("other", "o1", vec(0, 1)));
    flush();
    driver.advanceWallClockTime(Duration.ofMillis(500));

    assertThat(writer.index(fine.indexName())).containsOnlyKeys("s1");
    assertThat(writer.index(elsewhere.indexName())).containsOnlyKeys("o1");
    assertThat(writer.index(blocked.indexName())).isEmpty();

    writer.allow(blocked.indexName());
    driver.advanceWallClockTime(Duration.ofMillis(500));
    assertThat(writer.index(blocked.indexName())).as("filled by its backfill").containsOnlyKeys("s1");
  }

  @Test
  void aRunWrittenBeforeWhoseIndexElasticsearchWillNotShowWaitsAloneAndCatchesUpOnceShown() {
    SimilarityRun hidden = run(DS, "hidden", Metric.COSINE, 2);
    SimilarityRun sameDataset = run(DS, "fine", Metric.COSINE, 2);
    SimilarityRun otherDataset = run("other", "cos", Metric.COSINE, 2);
    register(hidden);
    register(sameDataset);
    register(otherDataset);
    send(added(DS, "s1", vec(1, 0)));
    send(added(DS, "s2", vec(0, 1)));
    send(added("other", "o1", vec(1, 0)));
    flush();
    driver.advanceWallClockTime(Duration.ofMillis(500));
    assertThat(writer.index(hidden.indexName())).containsOnlyKeys("s1", "s2");

    // Its role loses the index for a while; the writer, restarted meanwhile, cannot tell what the index holds.
    writer.unreadable(hidden.indexName());
    send(updated(DS, "s1", vec(0.6f, 0.8f)));
    send(deleted(DS, "s2"));
    send(added(DS, "s3", vec(0, 1)));
    send(added("other", "o2", vec(0, 1)));
    flush();
    driver.advanceWallClockTime(Duration.ofMillis(500));

    assertThat(writer.index(sameDataset.indexName())).as("the dataset's other run goes on").containsOnlyKeys("s1", "s3");
    assertThat(writer.index(otherDataset.indexName())).as("other datasets go on").containsOnlyKeys("o1", "o2");
    assertThat(writer.index(hidden.indexName())).as("nothing reaches the hidden index").containsOnlyKeys("s1", "s2");
    assertThat(entries(driver.getKeyValueStore(IndexerTopology.PENDING_STORE))).as("the outbox is not held").isZero();

    showAgain(hidden);

    assertThat(writer.index(hidden.indexName())).as("the changes made meanwhile reached it").containsOnlyKeys("s1", "s3");
    assertThat(writer.index(hidden.indexName()).get("s1").vector()).containsExactly(0.6f, 0.8f);
    assertThat(entries(driver.getKeyValueStore(IndexerTopology.OWED_STORE))).as("nothing owed any more").isZero();

    send(updated(DS, "s3", vec(1, 0)));
    flush();
    assertThat(writer.index(hidden.indexName()).get("s3").vector()).as("written live again").containsExactly(1f, 0f);
  }

  @Test
  void aRefusedOwedVectorDoesNotLeaveThePreviousOneSearchable() {
    SimilarityRun hidden = runHoldingTwoSamples("hidden");

    writer.unreadable(hidden.indexName());
    writer.rejectVectorsStartingWith(7);
    send(updated(DS, "s1", vec(7, 7)));
    flush();
    driver.advanceWallClockTime(Duration.ofMillis(500));
    showAgain(hidden);

    assertThat(writer.index(hidden.indexName())).as("s1's old vector is withdrawn").containsOnlyKeys("s2");
    assertThat(entries(driver.getKeyValueStore(IndexerTopology.OWED_STORE))).as("nothing owed any more").isZero();
    List<TestRecord<String, byte[]>> letters = deadLetters.readRecordsToList();
    assertThat(letters).extracting(TestRecord::key).containsExactly(key("s1"));
    assertThat(reason(letters.get(0))).startsWith("rejected_by_index: mapper_parsing_exception");
  }

  @Test
  void aHiddenPatchIndexGetsThePatchesRemovedMeanwhileRemovedOnceShown() {
    SimilarityRun hidden = patchRun(DS, "gt", "ground_truth", 2);
    register(hidden);
    send(Events.withPatches(DS, "p1", List.of(patch("a", "ground_truth", vec(1, 0)),
        patch("b", "ground_truth", vec(0, 1)))));
    send(Events.withPatches(DS, "p2", List.of(patch("c", "ground_truth", vec(1, 1)))));
    flush();
    driver.advanceWallClockTime(Duration.ofMillis(500));
    assertThat(writer.patches(hidden.indexName())).containsOnlyKeys("a", "b", "c");

    writer.unreadable(hidden.indexName());
    send(Events.updatedPatches(DS, "p1", List.of(patch("a", "ground_truth", vec(1, 0)))));
    flush();
    // A later change of the sample, that removes nothing itself, must not make the index forget that b left.
    send(Events.updatedPatches(DS, "p1", List.of(patch("a", "ground_truth", vec(0.6f, 0.8f)))));
    send(deleted(DS, "p2"));
    flush();
    driver.advanceWallClockTime(Duration.ofMillis(500));
    assertThat(writer.patches(hidden.indexName())).containsOnlyKeys("a", "b", "c");

    showAgain(hidden);

    assertThat(writer.patches(hidden.indexName())).containsOnlyKeys("a");
    assertThat(writer.patches(hidden.indexName()).get("a").vector()).containsExactly(0.6f, 0.8f);
  }

  /**
   * A sample the outbox will write again (its new image waits to be retried) is left to the outbox by the owed
   * writes: written from its state before the image loads, its document went as a delete at the newest version,
   * which then refused the outbox's write of the vector at that version.
   */
  @Test
  void anOwedSampleTheOutboxWillWriteAgainIsLeftToIt() {
    SimilarityRun hidden = Events.modelRun(DS, "clip", "clip", 3);
    register(hidden);
    driver.advanceWallClockTime(Duration.ofMillis(500));
    send(Events.withImage(DS, "s1", "file:/a.jpg"));
    flush();
    driver.advanceWallClockTime(Duration.ofMillis(500));
    assertThat(writer.index(hidden.indexName())).containsOnlyKeys("s1");

    writer.unreadable(hidden.indexName());
    send(new io.simstream.event.SampleUpdated(1, DS, "s1", "file:/bb.jpg", Map.of(), List.of(), Events.T0));
    flush();
    flakyFailures.set(1); // the next image fails once, then loads: it waits for its retry
    send(new io.simstream.event.SampleUpdated(1, DS, "s1", "file:/flaky.jpg", Map.of(), List.of(), Events.T0));
    flush();
    writer.allow(hidden.indexName());
    driver.advanceWallClockTime(Duration.ofMillis(500)); // a backfill step, while the image waits for its retry
    for (int tick = 0; tick < 10; tick++) {
      driver.advanceWallClockTime(Duration.ofMillis(500));
    }

    assertThat(writer.index(hidden.indexName())).containsOnlyKeys("s1");
    assertThat(writer.index(hidden.indexName()).get("s1").vector()).containsExactly("file:/flaky.jpg".length(), 1, 2);
  }

  @Test
  void aRunDeletedWithItsIndexIsRetiredInTheWriterAndOneDeletedAloneIsNot() {
    SimilarityRun kept = run(DS, "kept", Metric.COSINE, 2);
    SimilarityRun cleaned = run(DS, "cleaned", Metric.COSINE, 2);
    register(kept);
    register(cleaned);

    runs.pipeInput(new TestRecord<>(kept.key(), null));
    runs.pipeInput(new TestRecord<>(cleaned.key(), null, new RecordHeaders().add(Topics.RUN_CLEANUP_HEADER,
        cleaned.indexName().getBytes(StandardCharsets.UTF_8))));

    assertThat(writer.retired()).containsExactly(cleaned.id());
    assertThat(writer.claimed()).as("a run put on the topic claims its index name").containsExactly(kept.id(),
        cleaned.id());
  }

  @Test
  void whatADeletedRunOwedIsForgotten() {
    SimilarityRun hidden = run(DS, "hidden", Metric.COSINE, 2);
    register(hidden);
    send(added(DS, "s1", vec(1, 0)));
    flush();
    driver.advanceWallClockTime(Duration.ofMillis(500));
    writer.unreadable(hidden.indexName());
    send(updated(DS, "s1", vec(0, 1)));
    flush();
    KeyValueStore<String, PendingChange> owed = driver.getKeyValueStore(IndexerTopology.OWED_STORE);
    assertThat(entries(owed)).isEqualTo(1);

    runs.pipeInput(hidden.key(), null);
    driver.advanceWallClockTime(Duration.ofMillis(500));

    assertThat(entries(owed)).isZero();
  }

  @Test
  void aRunNeverWrittenWhoseIndexElasticsearchWillNotShowWaitsWithoutStallingTheOthers() {
    SimilarityRun hidden = run(DS, "hidden", Metric.COSINE, 2);
    SimilarityRun fine = run(DS, "fine", Metric.COSINE, 2);
    writer.unreadable(hidden.indexName());
    register(hidden);
    register(fine);
    send(added(DS, "s1", vec(1, 0)));
    flush();
    driver.advanceWallClockTime(Duration.ofMillis(500));

    assertThat(writer.index(fine.indexName())).containsOnlyKeys("s1");
    assertThat(writer.index(hidden.indexName())).isEmpty();

    writer.allow(hidden.indexName());
    driver.advanceWallClockTime(Duration.ofMillis(500));
    assertThat(writer.index(hidden.indexName())).as("filled by its backfill").containsOnlyKeys("s1");
  }

  @Test
  void aNewIndexElasticsearchCannotCheckYetHoldsItsWritesNotTheStreamThread() {
    SimilarityRun late = run(DS, "late", Metric.COSINE, 2);
    writer.unreachable(late.indexName());
    register(late);
    send(added(DS, "s1", vec(1, 0)));
    flush();
    send(added(DS, "s2", vec(0, 1)));
    flush();

    assertThat(writer.index(late.indexName())).isEmpty();
    KeyValueStore<String, PendingChange> pending = driver.getKeyValueStore(IndexerTopology.PENDING_STORE);
    assertThat(entries(pending)).as("both wait in the outbox").isEqualTo(2);

    writer.reachable(late.indexName());
    driver.advanceWallClockTime(Duration.ofSeconds(1));
    flush();
    assertThat(writer.index(late.indexName())).containsOnlyKeys("s1", "s2");
    assertThat(entries(pending)).isZero();
  }

  @Test
  void aRefusedNewVectorDoesNotLeaveThePreviousOneSearchable() {
    register(run(DS, "l2", Metric.EUCLIDEAN, 2));
    send(added(DS, "s1", vec(1, 0)));
    flush();
    assertThat(writer.index("idx-cars-l2")).containsOnlyKeys("s1");

    writer.rejectVectorsStartingWith(7);
    send(updated(DS, "s1", vec(7, 7)));
    flush();

    assertThat(writer.index("idx-cars-l2")).as("the old vector is withdrawn").isEmpty();
    List<TestRecord<String, byte[]>> letters = deadLetters.readRecordsToList();
    assertThat(letters).hasSize(1);
    assertThat(reason(letters.get(0))).startsWith("rejected_by_index: mapper_parsing_exception");
  }

  @Test
  void aRejectionIsDeadLetteredUnderItsOwnDatasetWhenAnotherHasASampleOfTheSameId() {
    register(run(DS, "l2", Metric.EUCLIDEAN, 2));
    register(run("other", "l2", Metric.EUCLIDEAN, 2));
    writer.rejectVectorsStartingWith(7);
    send(added(DS, "s1", vec(7, 7)));
    send(added("other", "s1", vec(0, 1)));
    flush();

    List<TestRecord<String, byte[]>> letters = deadLetters.readRecordsToList();
    assertThat(letters).hasSize(1);
    assertThat(letters.get(0).key()).isEqualTo(new SampleKey(DS, "s1").toString());
  }

  private static String reason(TestRecord<String, byte[]> record) {
    return header(record, Topics.DEAD_LETTER_REASON_HEADER);
  }

  private static String header(TestRecord<String, byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
