package io.simstream.indexer.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.smile.SmileFactory;
import io.simstream.config.Settings;
import io.simstream.config.SimstreamConfig;
import io.simstream.elasticsearch.BulkVectorEncoding;
import io.simstream.elasticsearch.ElasticsearchClients;
import io.simstream.elasticsearch.IndexMapping;
import io.simstream.event.BoundingBox;
import io.simstream.event.EventVectors;
import io.simstream.indexer.health.ThreadFailures;
import io.simstream.indexer.metrics.IndexerMetrics;
import io.simstream.indexer.support.ManualClock;
import io.simstream.json.Json;
import io.simstream.run.Metric;
import io.simstream.run.SimilarityRun;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class BulkVectorWriterTest {
  private static final SimilarityRun REFUSED_RUN = new SimilarityRun("r", "ds", "bk", "simstream-ds-bk",
      SimilarityRun.PRECOMPUTED, Metric.COSINE, 2, null, "flat", false, Instant.now());

  private static final SimilarityRun RUN = new SimilarityRun("r", "ds", "bk", "idx \"q\"", SimilarityRun.PRECOMPUTED,
      Metric.COSINE, 2, null, "flat", false, Instant.EPOCH);

  private static final List<WriteOp> OPS = List.of(
      WriteOp.index(RUN, "s\"1", 7, "s\"1", null, new float[] {1.5f, -1e-7f},
          DocumentSummary.ofSample("file:///data/\"a\".jpg")),
      WriteOp.index(RUN, "l1", 8, "s2", "l1", new float[] {0f, 2f},
          new DocumentSummary(null, "ground_truth", "voiture", new BoundingBox(0.1, 0.25, 0.5, 1e-4))),
      WriteOp.delete(RUN, "s3", 9, "s3"));

  @ParameterizedTest
  @EnumSource(BulkVectorEncoding.class)
  void writesActionsWithExternalVersionsAndDocumentsInEitherForm(BulkVectorEncoding encoding) throws Exception {
    List<JsonNode> lines = lines(BulkBody.encode(OPS, encoding), encoding);

    assertThat(lines).hasSize(5);
    JsonNode action = lines.get(0).path("index");
    assertThat(action.path("_index").asText()).as("index actions go through the write alias")
        .isEqualTo("idx \"q\".simstream-write");
    assertThat(action.path("require_alias").asBoolean()).as("so they never auto-create a deleted index").isTrue();
    assertThat(action.path("_id").asText()).isEqualTo("s\"1");
    assertThat(action.path("version").asLong()).isEqualTo(7);
    assertThat(action.path("version_type").asText()).isEqualTo("external");
    JsonNode source = lines.get(1);
    assertThat(source.path("sample_id").asText()).isEqualTo("s\"1");
    assertThat(source.has("label_id")).isFalse();
    assertThat(vector(source.path("vector"))).containsExactly(1.5f, -1e-7f);
    assertThat(source.path("summary").path("image_uri").asText()).isEqualTo("file:///data/\"a\".jpg");
    assertThat(source.path("summary").size()).as("no empty members").isEqualTo(1);
    JsonNode patch = lines.get(3);
    assertThat(patch.path("label_id").asText()).isEqualTo("l1");
    assertThat(patch.path("summary").has("image_uri")).isFalse();
    assertThat(patch.path("summary").path("field").asText()).isEqualTo("ground_truth");
    assertThat(patch.path("summary").path("label").asText()).isEqualTo("voiture");
    assertThat(patch.path("summary").path("bounding_box")).extracting(JsonNode::asDouble)
        .containsExactly(0.1, 0.25, 0.5, 1e-4);
    JsonNode delete = lines.get(4).path("delete");
    assertThat(delete.path("version").asLong()).isEqualTo(9);
    assertThat(delete.path("_index").asText()).isEqualTo("idx \"q\"");
    assertThat(delete.has("require_alias")).isFalse();
  }

  @Test
  void smileBodiesCarryRawFloat32AndBase64BodiesBigEndianFloat32() throws Exception {
    JsonNode smile = lines(BulkBody.encode(OPS, BulkVectorEncoding.SMILE_FLOAT32), BulkVectorEncoding.SMILE_FLOAT32)
        .get(1).path("vector");
    assertThat(smile.isArray()).isTrue();
    assertThat(smile.get(1).isFloat()).as("a float32 token, not decimal text or a double").isTrue();

    JsonNode base64 = lines(BulkBody.encode(OPS, BulkVectorEncoding.BASE64_FLOAT32), BulkVectorEncoding.BASE64_FLOAT32)
        .get(1).path("vector");
    // Big-endian float32: 1.5f = 0x3FC00000, -1e-7f = 0xB3D6BF95.
    assertThat(base64.asText()).isEqualTo(java.util.Base64.getEncoder().encodeToString(
        new byte[] {0x3F, (byte) 0xC0, 0, 0, (byte) 0xB3, (byte) 0xD6, (byte) 0xBF, (byte) 0x95}));
  }

  /** The body's lines: NDJSON split at newlines, SMILE documents split at the 0xFF separator. */
  private static List<JsonNode> lines(byte[] body, BulkVectorEncoding encoding) throws Exception {
    boolean smile = encoding == BulkVectorEncoding.SMILE_FLOAT32;
    ObjectMapper mapper = smile ? new ObjectMapper(new SmileFactory()) : Json.MAPPER;
    byte separator = smile ? (byte) 0xFF : (byte) '\n';
    assertThat(body[body.length - 1]).as("the last line is ended too").isEqualTo(separator);
    List<JsonNode> lines = new java.util.ArrayList<>();
    int from = 0;
    for (int i = 0; i < body.length; i++) {
      if (body[i] == separator) {
        lines.add(mapper.readTree(java.util.Arrays.copyOfRange(body, from, i)));
        from = i + 1;
      }
    }
    return lines;
  }

  private static float[] vector(JsonNode value) {
    if (value.isTextual()) {
      return EventVectors.Reader.fromBase64(value.asText());
    }
    float[] vector = new float[value.size()];
    for (int i = 0; i < vector.length; i++) {
      vector[i] = value.get(i).floatValue();
    }
    return vector;
  }

  @Test
  void chunksAreSizedByTheBytesOfTheEncodingTheyAreWrittenIn() {
    float[] vector = new float[512];
    java.util.Arrays.fill(vector, -0.123456789f);
    List<WriteOp> ops = new java.util.ArrayList<>();
    for (int i = 0; i < 100; i++) {
      ops.add(WriteOp.index(RUN, "sample-" + i, i, "sample-" + i, null, vector,
          DocumentSummary.ofSample("s3://bucket/images/" + i + ".jpg")));
      ops.add(WriteOp.index(RUN, "patch-" + i, i, "sample-" + i, "label-" + i, vector, new DocumentSummary(
          "s3://bucket/images/" + i + ".jpg", "ground_truth", "étiquette-" + i, new BoundingBox(1 / 3.0, 0.1, 0.2, 0.3))));
    }
    for (BulkVectorEncoding encoding : BulkVectorEncoding.values()) {
      long estimated = ops.stream().mapToLong(op -> op.estimatedBytes(encoding)).sum();
      int actual = BulkBody.encode(ops, encoding).length;
      assertThat(estimated).as(encoding + ": an estimate at or above the body, and not far above")
          .isBetween((long) actual, actual * 3L / 2);
      List<List<WriteOp>> chunks = new ChunkPlanner(1_000, actual / 4, encoding).split(ops);
      assertThat(chunks).as(encoding.name()).hasSizeBetween(4, 6);
      for (List<WriteOp> chunk : chunks) {
        assertThat(BulkBody.encode(chunk, encoding).length).as(encoding.name()).isLessThanOrEqualTo(actual / 4);
      }
    }
  }

  @Test
  void theSummaryCountsInTheEstimateWhereItOutweighsTheVector() {
    String uri = "https://example.org/" + "dossier/".repeat(60) + "image-été.jpg";
    List<WriteOp> ops = List.of(WriteOp.index(RUN, "p", 1, "s", "p", new float[] {0.5f, -0.25f},
        new DocumentSummary(uri, "ground_truth", "汽车".repeat(40), new BoundingBox(1 / 3.0, 1 / 7.0, 0.1, 1e-9))));
    for (BulkVectorEncoding encoding : BulkVectorEncoding.values()) {
      long withSummary = ops.get(0).estimatedBytes(encoding);
      assertThat(withSummary).as(encoding.name()).isGreaterThanOrEqualTo(BulkBody.encode(ops, encoding).length);
    }
  }

  @Test
  void givesUpAfterTheRetryBudgetWhenElasticsearchIsUnreachable() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    SimstreamConfig config = SimstreamConfig.load(Map.of()).with(Map.of(Settings.ES_HOSTS,
        "http://127.0.0.1:" + closedPort));
    IndexerMetrics metrics = IndexerMetrics.inMemory();
    BulkVectorWriter writer = new BulkVectorWriter(ElasticsearchClients.create(config),
        new BulkVectorWriter.Limits(100, 1 << 20, Duration.ofMillis(700)), BulkVectorEncoding.SMILE_FLOAT32, metrics,
        java.time.Clock.systemUTC());
    long start = System.nanoTime();

    assertThatThrownBy(() -> writer.write(List.of(WriteOp.delete(RUN, "s1", 1, "s1"))))
        .isInstanceOf(IndexWriteException.class).hasMessageContaining("within");

    assertThat((System.nanoTime() - start) / 1_000_000).isBetween(600L, 5_000L);
    assertThat(metrics.registry().get("simstream.indexer.bulk.failures").counter().count()).isGreaterThan(1);
  }
  /**
   * An index a write found gone whose creation Elasticsearch refuses keeps the write waiting within its budget,
   * like an outage, then fails it as exhausted retries (which wait for Elasticsearch, never restart the indexer).
   */
  @Test
  void anIndexGoneWhoseCreationIsRefusedKeepsTheWriteRetryingWithinItsBudget() throws Exception {
    AtomicInteger phase = new AtomicInteger();
    String index = REFUSED_RUN.indexName();
    HttpServer server = fakeElasticsearch(request -> {
      if (request.endsWith("/_bulk")) {
        return new Answer(200, "{\"errors\":true,\"items\":[{\"index\":{\"status\":404,\"error\":{\"type\":"
            + "\"index_not_found_exception\",\"reason\":\"no such index\"}}}]}");
      }
      if (request.equals("GET /" + index)) {
        return phase.get() == 0 ? new Answer(200, described(index, "u1"))
            : new Answer(404, error("index_not_found_exception", "no such index", 404));
      }
      return new Answer(403, error("security_exception", "create refused", 403));
    });
    try {
      BulkVectorWriter writer = writerFor(server, java.time.Clock.systemUTC(), Duration.ofMillis(1_500));
      writer.ensureIndex(REFUSED_RUN);
      phase.set(1);

      assertThatThrownBy(() -> writer.write(List.of(WriteOp.index(REFUSED_RUN, "s1", 1, "s1", null,
          new float[] {1, 0}, DocumentSummary.ofSample("file:///a.jpg")))))
          .isInstanceOfSatisfying(IndexWriteException.class, e -> assertThat(e.reason())
              .isEqualTo(IndexWriteException.Reason.RETRIES_EXHAUSTED))
          .hasMessageContaining("create refused");
    } finally {
      server.stop(0);
    }
  }

  /**
   * A run deleted with its index while its write was on the way: the write found the index gone, and must neither
   * create it again (it would outlive the run for good) nor keep retrying.
   */
  @Test
  void aWriteOfARunDeletedWithItsIndexMeanwhileIsDroppedAndNeverCreatesTheIndexAgain() throws Exception {
    String index = REFUSED_RUN.indexName();
    List<String> requests = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch bulkArrived = new CountDownLatch(1);
    CountDownLatch retired = new CountDownLatch(1);
    AtomicBoolean gone = new AtomicBoolean();
    HttpServer server = fakeElasticsearch(request -> {
      requests.add(request);
      if (request.endsWith("/_bulk")) {
        bulkArrived.countDown();
        await(retired);
        return new Answer(200, "{\"errors\":true,\"items\":[{\"index\":{\"status\":404,\"error\":{\"type\":"
            + "\"index_not_found_exception\",\"reason\":\"no such index\"}}}]}");
      }
      if (request.equals("GET /" + index)) {
        return gone.get() ? new Answer(404, error("index_not_found_exception", "no such index", 404))
            : new Answer(200, described(index, "u1"));
      }
      return new Answer(200, "{\"acknowledged\":true,\"index\":\"" + index + "\"}");
    });
    try {
      BulkVectorWriter writer = writerFor(server, java.time.Clock.systemUTC(), Duration.ofSeconds(10));
      writer.ensureIndex(REFUSED_RUN);
      gone.set(true);
      PendingWrite write = writer.submit(List.of(WriteOp.index(REFUSED_RUN, "s1", 1, "s1", null, new float[] {1, 0},
          DocumentSummary.ofSample("file:///a.jpg"))));
      assertThat(bulkArrived.await(10, TimeUnit.SECONDS)).isTrue();
      writer.retire(REFUSED_RUN, System.currentTimeMillis());
      retired.countDown();

      WriteResult result = write.result().get(10, TimeUnit.SECONDS);

      assertThat(result.applied()).isZero();
      assertThat(requests).as("no creation, one bulk").filteredOn(r -> !r.startsWith("GET "))
          .containsExactly("POST /_bulk");
      assertThatThrownBy(() -> writer.ensureIndex(REFUSED_RUN)).isInstanceOfSatisfying(IndexWriteException.class,
          e -> assertThat(e.reason()).isEqualTo(IndexWriteException.Reason.INDEX_REFUSED));
      assertThat(writer.submit(List.of(WriteOp.delete(REFUSED_RUN, "s2", 2, "s2"))).result().get().applied())
          .as("a delete planned before the deletion was seen is not sent: it would create the index").isZero();
      assertThat(requests).filteredOn(r -> r.endsWith("/_bulk")).hasSize(1);
    } finally {
      server.stop(0);
    }
  }

  /** A run created with the name of an index deleted with its run takes the name over. */
  @Test
  void aNewRunTakesOverTheNameOfAnIndexDeletedWithItsRun() throws Exception {
    String index = REFUSED_RUN.indexName();
    HttpServer server = fakeElasticsearch(request -> request.endsWith("/_bulk")
        ? new Answer(200, "{\"errors\":false,\"items\":[{\"delete\":{\"status\":200}}]}")
        : new Answer(200, described(index, "u2")));
    try {
      BulkVectorWriter writer = writerFor(server, java.time.Clock.systemUTC(), Duration.ofSeconds(10));
      writer.retire(REFUSED_RUN, System.currentTimeMillis());
      SimilarityRun successor = new SimilarityRun("r2", "ds", "bk", index, SimilarityRun.PRECOMPUTED, Metric.COSINE,
          2, null, "flat", false, Instant.now());

      writer.claim(successor);
      assertThat(writer.ensureIndex(successor)).isEqualTo("u2");
      assertThat(writer.submit(List.of(WriteOp.delete(successor, "s1", 1, "s1"))).result().get().applied())
          .isEqualTo(1);
    } finally {
      server.stop(0);
    }
  }

  /**
   * A write already sent when the run was deleted with its index may create the index again after the API deleted
   * it, and the API's own delete may have failed after the run's record was gone: either way the writer looks again a
   * little later and deletes the index, trying again while Elasticsearch does not answer.
   */
  @Test
  void anIndexOfARunDeletedWithItIsDeletedWhetherTheApiLeftItOrAWriteCreatedItAgain() throws Exception {
    long deletedAtMs = System.currentTimeMillis();
    SimilarityRun left = new SimilarityRun("r-left", "ds", "left", "idx-left", SimilarityRun.PRECOMPUTED,
        Metric.COSINE, 2, null, "flat", false, Instant.now());
    List<String> requests = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger unavailable = new AtomicInteger(2);
    CountDownLatch deleted = new CountDownLatch(2);
    HttpServer server = fakeElasticsearch(request -> {
      requests.add(request);
      if (request.startsWith("DELETE ") && request.endsWith(left.indexName()) && unavailable.getAndDecrement() > 0) {
        return new Answer(503, error("unavailable_shards_exception", "not now", 503));
      }
      if (request.startsWith("DELETE ")) {
        deleted.countDown();
        return new Answer(200, "{\"acknowledged\":true}");
      }
      return new Answer(404, error("index_not_found_exception", "no such index", 404));
    });
    try {
      BulkVectorWriter writer = writerFor(server, java.time.Clock.systemUTC(), Duration.ofSeconds(10));
      writer.retire(left, deletedAtMs);
      writer.retire(REFUSED_RUN, deletedAtMs);

      assertThat(deleted.await(30, TimeUnit.SECONDS)).as("both indexes are deleted").isTrue();
      assertThat(requests).filteredOn(r -> r.startsWith("DELETE ")).contains("DELETE /" + REFUSED_RUN.indexName())
          .filteredOn(r -> r.endsWith(left.indexName())).as("tried again while Elasticsearch did not answer")
          .hasSize(3);
    } finally {
      server.stop(0);
    }
  }

  /**
   * A new run that took the name of an index deleted with its run keeps that index, even where no write of it was
   * made yet: the indexer's look for an index created again must not take the new run's for one.
   */
  @Test
  void theIndexOfANewRunThatTookTheNameIsNotDeletedAsOneCreatedAgain() throws Exception {
    long deletedAtMs = System.currentTimeMillis();
    SimilarityRun successor = new SimilarityRun("r2", "ds", "bk", REFUSED_RUN.indexName(), SimilarityRun.PRECOMPUTED,
        Metric.COSINE, 2, null, "flat", false, Instant.now());
    SimilarityRun later = new SimilarityRun("r3", "ds", "other", "idx-later", SimilarityRun.PRECOMPUTED,
        Metric.COSINE, 2, null, "flat", false, Instant.now());
    List<String> requests = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch laterDeleted = new CountDownLatch(1);
    HttpServer server = fakeElasticsearch(request -> {
      requests.add(request);
      if (request.startsWith("DELETE ")) {
        if (request.equals("DELETE /" + later.indexName())) {
          laterDeleted.countDown();
        }
        return new Answer(200, "{\"acknowledged\":true}");
      }
      String index = request.split("/")[1];
      return new Answer(200, "{\"" + index + "\":{\"settings\":{\"index\":{\"creation_date\":\""
          + (deletedAtMs + 200) + "\"}}}}");
    });
    try {
      BulkVectorWriter writer = writerFor(server, java.time.Clock.systemUTC(), Duration.ofSeconds(10));
      writer.retire(REFUSED_RUN, deletedAtMs);
      writer.claim(successor);
      writer.retire(later, deletedAtMs);

      assertThat(laterDeleted.await(30, TimeUnit.SECONDS)).as("the sweeps ran").isTrue();
      assertThat(requests).filteredOn(r -> r.startsWith("DELETE ")).containsExactly("DELETE /" + later.indexName());
    } finally {
      server.stop(0);
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Writes retried on item errors until the budget is spent say which error they met, as /health shows it. */
  @Test
  void writesThatKeepMeetingAnItemErrorSayWhichWhenTheBudgetIsSpent() throws Exception {
    HttpServer server = fakeElasticsearch(request -> new Answer(200, "{\"errors\":true,\"items\":[{\"delete\":"
        + "{\"status\":403,\"error\":{\"type\":\"security_exception\",\"reason\":"
        + "\"action [indices:data/write/delete] is unauthorized\"}}}]}"));
    try {
      BulkVectorWriter writer = writerFor(server, java.time.Clock.systemUTC(), Duration.ofMillis(700));

      assertThatThrownBy(() -> writer.write(List.of(WriteOp.delete(RUN, "s1", 1, "s1"))))
          .isInstanceOfSatisfying(IndexWriteException.class, e -> assertThat(e.reason())
              .isEqualTo(IndexWriteException.Reason.RETRIES_EXHAUSTED))
          .hasMessageContaining("security_exception").hasMessageContaining("is unauthorized");
    } finally {
      server.stop(0);
    }
  }

  /**
   * A pod restarted with credentials still wrong fails on its first index checks, not on bulks: those failures
   * must count towards the exit that lets a later restart read credentials corrected meanwhile.
   */
  @Test
  void anIndexCheckWithRejectedCredentialsIsARefusedRequestThatALastingLoopExitsFor() throws Exception {
    HttpServer refusing = fakeElasticsearch(request -> new Answer(401, error("security_exception", "refused", 401)));
    try {
      ManualClock clock = new ManualClock();
      BulkVectorWriter writer = writerFor(refusing, clock, Duration.ofMinutes(2));
      ThreadFailures failures = ThreadFailures.forRetryBudget(clock, Duration.ofMinutes(2));

      for (int minute = 0; minute <= 11; minute++) {
        IndexWriteException refused = catchThrowableOfType(() -> writer.ensureIndex(REFUSED_RUN),
            IndexWriteException.class);
        assertThat(refused.reason()).as("waiting cannot cure it, a restart may").isEqualTo(
            IndexWriteException.Reason.REQUEST_REFUSED);
        failures.record(refused);
        clock.advance(Duration.ofMinutes(1));
      }

      assertThat(failures.lastingLoop(Duration.ofMinutes(10))).hasValueSatisfying(reason -> assertThat(reason)
          .contains("401"));
    } finally {
      refusing.stop(0);
    }
  }

  /**
   * A 403 on one run's index (its name outside the indexer's role) is that run's problem, not a thread failure
   * that a restart could never cure; it hides whether the index holds the run's documents (DocumentSync decides
   * whether to skip or hold the writes), and it is asked about again later, not on every flush.
   */
  @ParameterizedTest
  @ValueSource(ints = {400, 403})
  void anIndexCheckRefusedForThatIndexHoldsOnlyItsRunAndIsAskedAgainLater(int status) throws Exception {
    AtomicInteger requests = new AtomicInteger();
    HttpServer refusing = fakeElasticsearch(request -> {
      requests.incrementAndGet();
      return new Answer(status, error("security_exception", "refused", status));
    });
    try {
      ManualClock clock = new ManualClock();
      BulkVectorWriter writer = writerFor(refusing, clock, Duration.ofMinutes(2));

      IndexWriteException first = catchThrowableOfType(() -> writer.ensureIndex(REFUSED_RUN),
          IndexWriteException.class);
      int asked = requests.get();
      IndexWriteException soon = catchThrowableOfType(() -> writer.ensureIndex(REFUSED_RUN),
          IndexWriteException.class);
      clock.advance(Duration.ofSeconds(31));
      IndexWriteException later = catchThrowableOfType(() -> writer.ensureIndex(REFUSED_RUN),
          IndexWriteException.class);

      assertThat(List.of(first.reason(), soon.reason(), later.reason())).containsOnly(
          IndexWriteException.Reason.INDEX_UNREADABLE);
      assertThat(first).hasMessageContaining(REFUSED_RUN.indexName()).hasMessageContaining(String.valueOf(status));
      assertThat(asked).isPositive();
      assertThat(requests.get()).as("not asked within 30 s, asked again after").isEqualTo(2 * asked);
    } finally {
      refusing.stop(0);
    }
  }

  /**
   * A creation is judged by the rule of a check: rejected credentials refuse every request (a restart may help),
   * a 403 refuses this run's index, and what waiting may cure (a timeout, a conflict, 429) is waited out.
   */
  @ParameterizedTest
  @CsvSource({"401, REQUEST_REFUSED", "403, INDEX_REFUSED", "408, INDEX_PENDING", "409, INDEX_PENDING",
      "429, INDEX_PENDING"})
  void aRefusedCreationIsTypedByTheRuleOfARefusedCheck(int status, IndexWriteException.Reason expected)
      throws Exception {
    HttpServer server = fakeElasticsearch(request -> request.startsWith("GET ")
        ? new Answer(404, error("index_not_found_exception", "no such index", 404))
        : new Answer(status, error("some_exception", "create answered " + status, status)));
    try {
      BulkVectorWriter writer = writerFor(server, new ManualClock(), Duration.ofMinutes(2));

      IndexWriteException failure = catchThrowableOfType(() -> writer.ensureIndex(REFUSED_RUN),
          IndexWriteException.class);

      assertThat(failure.reason()).isEqualTo(expected);
    } finally {
      server.stop(0);
    }
  }

  /** A TLS handshake cut short (a node or balancer restarting) is an outage to wait out, not a refusal to restart for. */
  @Test
  void aHandshakeCutShortIsWaitedOutNotTakenForARefusal() throws Exception {
    try (ServerSocket closing = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread acceptor = new Thread(() -> {
        while (!closing.isClosed()) {
          try {
            closing.accept().close();
          } catch (java.io.IOException e) {
            return;
          }
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      BulkVectorWriter writer = new BulkVectorWriter(ElasticsearchClients.create(SimstreamConfig.load(Map.of())
          .with(Map.of(Settings.ES_HOSTS, "https://127.0.0.1:" + closing.getLocalPort()))),
          new BulkVectorWriter.Limits(100, 1 << 20, Duration.ofMinutes(2)), BulkVectorEncoding.SMILE_FLOAT32,
          IndexerMetrics.inMemory(), new ManualClock());

      IndexWriteException failure = catchThrowableOfType(() -> writer.ensureIndex(REFUSED_RUN),
          IndexWriteException.class);

      assertThat(failure.reason()).isEqualTo(IndexWriteException.Reason.INDEX_PENDING);
    }
  }

  /** A role that loses a known index for a while must not make its writes skipped: they go on and say what they meet. */
  @Test
  void aKnownIndexWhoseReCheckIsRefusedKeepsItsIdentity() throws Exception {
    AtomicInteger status = new AtomicInteger(200);
    String index = REFUSED_RUN.indexName();
    HttpServer server = fakeElasticsearch(request -> status.get() == 200 ? new Answer(200, described(index, "u1"))
        : new Answer(status.get(), error("security_exception", "refused", status.get())));
    try {
      ManualClock clock = new ManualClock();
      BulkVectorWriter writer = writerFor(server, clock, Duration.ofMinutes(2));
      assertThat(writer.ensureIndex(REFUSED_RUN)).isEqualTo("u1");

      status.set(403);
      clock.advance(Duration.ofSeconds(31));

      assertThat(writer.ensureIndex(REFUSED_RUN)).isEqualTo("u1");
    } finally {
      server.stop(0);
    }
  }

  private static BulkVectorWriter writerFor(HttpServer server, java.time.Clock clock, Duration retryBudget) {
    return new BulkVectorWriter(ElasticsearchClients.create(SimstreamConfig.load(Map.of())
        .with(Map.of(Settings.ES_HOSTS, "http://127.0.0.1:" + server.getAddress().getPort()))),
        new BulkVectorWriter.Limits(100, 1 << 20, retryBudget), BulkVectorEncoding.SMILE_FLOAT32,
        IndexerMetrics.inMemory(), clock);
  }

  /** A status and JSON body of the fake Elasticsearch. */
  private record Answer(int status, String json) {
  }

  /** A fake Elasticsearch that answers each request ("METHOD /path") as {@code answers} says. */
  private static HttpServer fakeElasticsearch(Function<String, Answer> answers) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      exchange.getRequestBody().readAllBytes();
      Answer answer = answers.apply(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
      byte[] body = answer.json().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.getResponseHeaders().add("X-Elastic-Product", "Elasticsearch");
      exchange.sendResponseHeaders(answer.status(), body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    return server;
  }

  private static String error(String type, String reason, int status) {
    return "{\"error\":{\"type\":\"" + type + "\",\"reason\":\"" + reason + "\"},\"status\":" + status + "}";
  }

  /** What the writer's index check reads of an index with the run's mapping and write alias. */
  private static String described(String index, String uuid) {
    return "{\"" + index + "\":{\"aliases\":{\"" + IndexMapping.writeAlias(index) + "\":{}},\"mappings\":"
        + "{\"properties\":{\"vector\":{\"type\":\"dense_vector\",\"dims\":2},\"summary\":{\"type\":"
        + "\"object\"}}},\"settings\":{\"index\":{\"uuid\":\"" + uuid + "\"}}}}";
  }
}

