package io.simstream.indexer.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.config.Settings;
import io.simstream.config.SimstreamConfig;
import io.simstream.elasticsearch.BulkVectorEncoding;
import io.simstream.elasticsearch.ElasticsearchClients;
import io.simstream.elasticsearch.IndexMapping;
import io.simstream.elasticsearch.VectorFieldSpec;
import io.simstream.event.BoundingBox;
import io.simstream.indexer.metrics.IndexerMetrics;
import io.simstream.indexer.support.ManualClock;
import io.simstream.json.Json;
import io.simstream.run.IndexLayout;
import io.simstream.run.Metric;
import io.simstream.run.SimilarityRun;
import io.simstream.servers.LocalServers;
import java.time.Duration;
import java.time.Instant;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.Map;
import org.apache.http.util.EntityUtils;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.Test;

/** Per-item outcomes of the bulk writer against a real node: applied, 409, 404 on delete, 400. */
class BulkVectorWriterIT {
  private static final DocumentSummary IMAGE = DocumentSummary.ofSample("file:///images/a.jpg");

  /** What the indexer picks for the node this run uses (base64 on 9.3+, SMILE on 8.x). */
  private static BulkVectorEncoding clusterEncoding() {
    try (RestClient rest = RestClient.builder(org.apache.http.HttpHost.create(LocalServers.elasticsearch().httpUrl()))
        .build()) {
      return BulkVectorEncoding.detect(rest);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void picksTheEncodingOfTheNodesVersion() {
    assertThat(clusterEncoding()).isEqualTo(BulkVectorEncoding.forVersion(LocalServers.esVersion()))
        .isEqualTo(LocalServers.esVersion().startsWith("8.") ? BulkVectorEncoding.SMILE_FLOAT32
            : BulkVectorEncoding.BASE64_FLOAT32);
  }

  @Test
  void everyFormTheClusterTakesStoresTheVectorsAndSummariesExactly() throws Exception {
    SimstreamConfig config = SimstreamConfig.load(Map.of()).with(Map.of(Settings.ES_HOSTS,
        LocalServers.elasticsearch().httpUrl()));
    ElasticsearchClient es = ElasticsearchClients.create(config);
    RestClient rest = ElasticsearchClients.restClient(es);
    // SMILE is taken by every version; base64 only from 9.3.
    List<BulkVectorEncoding> forms = clusterEncoding() == BulkVectorEncoding.SMILE_FLOAT32
        ? List.of(BulkVectorEncoding.SMILE_FLOAT32) : List.of(BulkVectorEncoding.values());
    float[] vector = {0.1f, -12345.679f, Float.MIN_VALUE, (float) Math.PI};
    DocumentSummary patch = new DocumentSummary("file:///images/é \"b\".jpg", "ground_truth", "汽车",
        new BoundingBox(1 / 3.0, 0.2, 0.3, 1e-9));
    for (BulkVectorEncoding form : forms) {
      SimilarityRun run = new SimilarityRun("w8", "ds", "bk8", "bulk-writer-form-" + form.name().toLowerCase()
          + "-" + ProcessHandle.current().pid(), SimilarityRun.PRECOMPUTED, Metric.EUCLIDEAN, 4, "ground_truth",
          "flat", false, Instant.now());
      BulkVectorWriter writer = new BulkVectorWriter(es, new BulkVectorWriter.Limits(10, 1 << 20,
          Duration.ofSeconds(30)), form, IndexerMetrics.inMemory(), java.time.Clock.systemUTC());
      writer.ensureIndex(run);

      WriteResult result = writer.write(List.of(WriteOp.index(run, "s1-l1", 3, "s1", "l1", vector, patch),
          WriteOp.index(run, "s2-l2", 3, "s2", "l2", new float[] {1, 2, 3, 4}, patch),
          WriteOp.delete(run, "s2-l2", 4, "s2")));

      assertThat(result.rejected()).as(form.name()).isEmpty();
      assertThat(result.applied()).as(form.name()).isEqualTo(2);
      rest.performRequest(new Request("POST", "/" + run.indexName() + "/_refresh"));
      Request search = new Request("POST", "/" + run.indexName() + "/_search");
      // 9.x leaves vectors out of _source unless asked; 8.x does not know the option.
      search.setJsonEntity(LocalServers.esVersion().startsWith("8.") ? "{}"
          : "{\"_source\":{\"exclude_vectors\":false}}");
      JsonNode hits = Json.MAPPER.readTree(EntityUtils.toByteArray(rest.performRequest(search).getEntity()))
          .path("hits").path("hits");
      assertThat(hits).as(form.name()).hasSize(1);
      JsonNode source = hits.get(0).path("_source");
      assertThat(source.path("label_id").asText()).isEqualTo("l1");
      float[] stored = new float[4];
      for (int i = 0; i < 4; i++) {
        stored[i] = source.path("vector").get(i).floatValue();
      }
      assertThat(stored).as(form.name() + ": bit-exact float32").containsExactly(vector);
      assertThat(source.path("summary").path("image_uri").asText()).isEqualTo(patch.imageUri());
      assertThat(source.path("summary").path("label").asText()).isEqualTo("汽车");
      assertThat(source.path("summary").path("bounding_box").get(0).asDouble()).isEqualTo(1 / 3.0);
      assertThat(source.path("summary").path("bounding_box").get(3).asDouble()).isEqualTo(1e-9);
    }
  }

  @Test
  void classifiesEveryItemOutcome() {
    SimstreamConfig config = SimstreamConfig.load(Map.of()).with(Map.of(Settings.ES_HOSTS,
        LocalServers.elasticsearch().httpUrl()));
    SimilarityRun run = new SimilarityRun("w", "ds", "bk", "bulk-writer-it-" + ProcessHandle.current().pid(),
        SimilarityRun.PRECOMPUTED, Metric.COSINE, 2, null, "flat", false, Instant.now());
    IndexerMetrics metrics = IndexerMetrics.inMemory();
    BulkVectorWriter writer = new BulkVectorWriter(ElasticsearchClients.create(config),
        new BulkVectorWriter.Limits(2, 1 << 20, Duration.ofSeconds(10)), clusterEncoding(), metrics,
        java.time.Clock.systemUTC());
    writer.ensureIndex(run);

    WriteResult first = writer.write(List.of(
        WriteOp.index(run, "a", 5, "a", null, new float[] {1, 0}, IMAGE),
        WriteOp.index(run, "b", 5, "b", null, new float[] {1, 0, 0}, IMAGE),
        WriteOp.delete(run, "never-indexed", 5, "never-indexed")));
    assertThat(first.applied()).isEqualTo(2);
    assertThat(first.rejected()).hasSize(1);
    assertThat(first.rejected().get(0).op().id()).isEqualTo("b");
    assertThat(first.rejected().get(0).reason()).contains("document_parsing_exception");

    WriteResult replay = writer.write(List.of(WriteOp.index(run, "a", 5, "a", null, new float[] {0, 1}, IMAGE),
        WriteOp.delete(run, "a", 4, "a")));
    assertThat(replay.conflicts()).as("the older delete was dropped by deduplication").isEqualTo(1);
    assertThat(writer.write(List.of(WriteOp.delete(run, "a", 4, "a"))).conflicts()).isEqualTo(1);
    assertThat(metrics.registry().get("simstream.indexer.version.conflicts").counter().count()).isEqualTo(2);

    // A backfill with other weights of the model replaces a document of its own version, and only that.
    WriteResult sameVersion = writer.write(List.of(
        WriteOp.index(run, "a", 5, "a", null, new float[] {0, 1}, IMAGE).overwritingEqual()));
    assertThat(sameVersion.applied()).isEqualTo(1);
    assertThat(writer.write(List.of(WriteOp.index(run, "a", 4, "a", null, new float[] {1, 1}, IMAGE)
        .overwritingEqual())).conflicts()).isEqualTo(1);

    WriteResult newer = writer.write(List.of(WriteOp.delete(run, "a", 6, "a")));
    assertThat(newer.applied()).isEqualTo(1);
  }

  @Test
  void bulksRefusedAsTooLargeAreSplitAndADocumentTooLargeOnItsOwnIsRejected() throws Exception {
    String node = LocalServers.elasticsearch().httpUrl();
    long pid = ProcessHandle.current().pid();
    SimilarityRun small = new SimilarityRun("w4", "ds", "bk4", "bulk-writer-413-small-" + pid,
        SimilarityRun.PRECOMPUTED, Metric.COSINE, 8, null, "flat", false, Instant.now());
    SimilarityRun huge = new SimilarityRun("w5", "ds", "bk5", "bulk-writer-413-huge-" + pid,
        SimilarityRun.PRECOMPUTED, Metric.COSINE, 4096, null, "flat", false, Instant.now());
    try (BodyLimitProxy proxy = new BodyLimitProxy(java.net.URI.create(node), 16 * 1024)) {
      SimstreamConfig config = SimstreamConfig.load(Map.of()).with(Map.of(Settings.ES_HOSTS, proxy.url()));
      // The writer's own limits (1,000 actions, 1 MB) are far above what the gateway takes.
      IndexerMetrics metrics = IndexerMetrics.inMemory();
      BulkVectorWriter writer = new BulkVectorWriter(ElasticsearchClients.create(config),
          new BulkVectorWriter.Limits(1_000, 1 << 20, Duration.ofSeconds(30)), clusterEncoding(),
          metrics, java.time.Clock.systemUTC());
      writer.ensureIndex(small);
      writer.ensureIndex(huge);
      List<WriteOp> ops = new java.util.ArrayList<>();
      for (int i = 0; i < 300; i++) {
        float[] vector = new float[8];
        vector[i % 8] = 1 + i;
        ops.add(WriteOp.index(small, "s" + i, 1, "s" + i, null, vector, IMAGE));
      }
      float[] wide = new float[4096];
      java.util.Arrays.fill(wide, 0.123456f);
      ops.add(WriteOp.index(huge, "big", 1, "big", null, wide, IMAGE));

      WriteResult result = writer.write(ops);

      assertThat(proxy.refused()).as("the first bulk was over the gateway's limit").isPositive();
      assertThat(result.applied()).isEqualTo(300);
      assertThat(result.rejected()).singleElement().satisfies(rejection -> {
        assertThat(rejection.op().id()).isEqualTo("big");
        assertThat(rejection.reason()).startsWith("request_too_large");
      });
      assertThat(metrics.registry().get("simstream.indexer.bulk.in_flight").gauge().value())
          .as("every bulk sent was answered, the refused ones too").isZero();
      RestClient rest = RestClient.builder(org.apache.http.HttpHost.create(node)).build();
      try (rest) {
        rest.performRequest(new Request("POST", "/" + small.indexName() + "/_refresh"));
        JsonNode count = Json.MAPPER.readTree(EntityUtils.toByteArray(rest.performRequest(
            new Request("GET", "/" + small.indexName() + "/_count")).getEntity()));
        assertThat(count.path("count").asInt()).isEqualTo(300);
      }
    }
  }

  @Test
  void aWriteToADeletedIndexCreatesItAgainWithItsMappingInsteadOfAutoCreatingOne() throws Exception {
    SimstreamConfig config = SimstreamConfig.load(Map.of()).with(Map.of(Settings.ES_HOSTS,
        LocalServers.elasticsearch().httpUrl()));
    SimilarityRun run = new SimilarityRun("w2", "ds", "bk2", "bulk-writer-recreate-" + ProcessHandle.current().pid(),
        SimilarityRun.PRECOMPUTED, Metric.COSINE, 2, null, "flat", false, Instant.now());
    ElasticsearchClient es = ElasticsearchClients.create(config);
    BulkVectorWriter writer = new BulkVectorWriter(es, new BulkVectorWriter.Limits(10, 1 << 20,
        Duration.ofSeconds(30)), clusterEncoding(), IndexerMetrics.inMemory(), java.time.Clock.systemUTC());
    String before = writer.ensureIndex(run);
    writer.write(List.of(WriteOp.index(run, "a", 1, "a", null, new float[] {1, 0}, IMAGE)));
    RestClient rest = ElasticsearchClients.restClient(es);
    rest.performRequest(new Request("DELETE", "/" + run.indexName()));

    WriteResult result = writer.write(List.of(WriteOp.index(run, "b", 2, "b", null, new float[] {0, 1}, IMAGE)));

    assertThat(result.applied()).isEqualTo(1);
    JsonNode mapping = Json.MAPPER.readTree(EntityUtils.toByteArray(
        rest.performRequest(new Request("GET", "/" + run.indexName() + "/_mapping")).getEntity()))
        .path(run.indexName()).path("mappings");
    assertThat(mapping.path("dynamic").asText()).as("the run's mapping, not a dynamic one").isEqualTo("strict");
    assertThat(mapping.path("properties").path("vector").path("type").asText()).isEqualTo("dense_vector");
    assertThat(writer.ensureIndex(run)).as("a new index, so its backfill starts over").isNotEqualTo(before);
  }

  @Test
  void anIndexAutoCreatedByADeleteAfterCleanupGetsTheRunsMapping() throws Exception {
    SimstreamConfig config = SimstreamConfig.load(Map.of()).with(Map.of(Settings.ES_HOSTS,
        LocalServers.elasticsearch().httpUrl()));
    SimilarityRun run = new SimilarityRun("w8", "ds", "bk8", "bulk-writer-delete-after-cleanup-"
        + ProcessHandle.current().pid(), SimilarityRun.PRECOMPUTED, Metric.COSINE, 2, null, "flat", false, Instant.now());
    ElasticsearchClient es = ElasticsearchClients.create(config);
    BulkVectorWriter writer = new BulkVectorWriter(es, new BulkVectorWriter.Limits(10, 1 << 20,
        Duration.ofSeconds(30)), clusterEncoding(), IndexerMetrics.inMemory(), java.time.Clock.systemUTC());
    writer.ensureIndex(run);
    writer.write(List.of(WriteOp.index(run, "a", 1, "a", null, new float[] {1, 0}, IMAGE)));
    RestClient rest = ElasticsearchClients.restClient(es);
    rest.performRequest(new Request("DELETE", "/" + run.indexName()));

    // An externally versioned delete makes Elasticsearch create the missing index, with no mapping at all.
    writer.write(List.of(WriteOp.delete(run, "a", 2, "a")));
    WriteResult result = writer.write(List.of(WriteOp.index(run, "b", 3, "b", null, new float[] {0, 1}, IMAGE)));

    assertThat(result.applied()).isEqualTo(1);
    JsonNode mapping = Json.MAPPER.readTree(EntityUtils.toByteArray(
        rest.performRequest(new Request("GET", "/" + run.indexName() + "/_mapping")).getEntity()))
        .path(run.indexName()).path("mappings");
    assertThat(mapping.path("properties").path("vector").path("type").asText())
        .as("the run's mapping; the vector went into a dynamic float field before").isEqualTo("dense_vector");
    assertThat(mapping.path("dynamic").asText()).isEqualTo("strict");
  }

  @Test
  void aShellIndexGetsTheRunsMappingInPlaceAndIsNeverDeleted() throws Exception {
    SimilarityRun run = new SimilarityRun("w11", "ds", "bk11", "bulk-writer-shell-in-place-"
        + ProcessHandle.current().pid(), SimilarityRun.PRECOMPUTED, Metric.COSINE, 2, null, "flat", false, Instant.now());
    RestClient direct = ElasticsearchClients.restClient(ElasticsearchClients.create(SimstreamConfig.load(Map.of())
        .with(Map.of(Settings.ES_HOSTS, LocalServers.elasticsearch().httpUrl()))));
    // What an externally versioned delete leaves when the index is missing: no mapping, no documents.
    direct.performRequest(new Request("PUT", "/" + run.indexName()));
    String shell = Json.MAPPER.readTree(EntityUtils.toByteArray(direct.performRequest(new Request("GET",
        "/" + run.indexName() + "/_settings")).getEntity())).path(run.indexName()).at("/settings/index/uuid").asText();
    try (BodyLimitProxy proxy = new BodyLimitProxy(java.net.URI.create(LocalServers.elasticsearch().httpUrl()),
        1 << 20)) {
      SimstreamConfig config = SimstreamConfig.load(Map.of()).with(Map.of(Settings.ES_HOSTS, proxy.url()));
      BulkVectorWriter writer = new BulkVectorWriter(ElasticsearchClients.create(config), new BulkVectorWriter.Limits(
          10, 1 << 20, Duration.ofSeconds(30)), clusterEncoding(), IndexerMetrics.inMemory(), Clock.systemUTC());

      // Another thread that read the shell just before would delete this index, documents and all.
      assertThat(writer.ensureIndex(run)).as("the shell itself, mapped in place").isEqualTo(shell);
      assertThat(writer.write(List.of(WriteOp.index(run, "a", 1, "a", null, new float[] {1, 0}, IMAGE))).applied())
          .isEqualTo(1);
      assertThat(proxy.forwarded()).noneMatch(request -> request.startsWith("DELETE"));
    }
    JsonNode mapping = Json.MAPPER.readTree(EntityUtils.toByteArray(
        direct.performRequest(new Request("GET", "/" + run.indexName() + "/_mapping")).getEntity()))
        .path(run.indexName()).path("mappings");
    assertThat(mapping.path("dynamic").asText()).isEqualTo("strict");
    assertThat(mapping.at("/properties/vector/type").asText()).isEqualTo("dense_vector");
    assertThat(mapping.at("/properties/vector/index_options/type").asText()).isEqualTo("flat");
    assertThat(mapping.at("/properties/summary/enabled").asBoolean(true)).isFalse();
  }

  @Test
  void anIndexThatCannotBeCreatedAgainYetDoesNotHoldUpTheRetriesOfOtherWrites() throws Exception {
    long pid = ProcessHandle.current().pid();
    SimilarityRun stuck = new SimilarityRun("w12", "ds", "bk12", "bulk-writer-no-master-" + pid,
        SimilarityRun.PRECOMPUTED, Metric.COSINE, 2, null, "flat", false, Instant.now());
    SimilarityRun other = new SimilarityRun("w13", "ds", "bk13", "bulk-writer-beside-no-master-" + pid,
        SimilarityRun.PRECOMPUTED, Metric.COSINE, 2, null, "flat", false, Instant.now());
    try (BodyLimitProxy proxy = new BodyLimitProxy(java.net.URI.create(LocalServers.elasticsearch().httpUrl()),
        1 << 20)) {
      SimstreamConfig config = SimstreamConfig.load(Map.of()).with(Map.of(Settings.ES_HOSTS, proxy.url()));
      ElasticsearchClient es = ElasticsearchClients.create(config);
      BulkVectorWriter writer = new BulkVectorWriter(es, new BulkVectorWriter.Limits(10, 1 << 20,
          Duration.ofSeconds(30)), clusterEncoding(), IndexerMetrics.inMemory(), Clock.systemUTC());
      writer.ensureIndex(stuck);
      writer.ensureIndex(other);
      RestClient rest = ElasticsearchClients.restClient(es);
      rest.performRequest(new Request("DELETE", "/" + stuck.indexName() + "," + other.indexName()));
      String create = "PUT /" + stuck.indexName();
      proxy.answerUnavailable(create);
      long created = proxy.forwarded().stream().filter(create::equals).count();

      PendingWrite waiting = writer.submit(List.of(WriteOp.index(stuck, "a", 1, "a", null, new float[] {1, 0}, IMAGE)));
      while (proxy.forwarded().stream().filter(create::equals).count() == created) {
        assertThat(waiting.result()).as("still trying to create the index again").isNotDone();
        Thread.sleep(20);
      }
      WriteResult beside = writer.submit(List.of(WriteOp.index(other, "b", 1, "b", null, new float[] {0, 1}, IMAGE)))
          .result().get(2, TimeUnit.MINUTES);

      assertThat(beside.applied()).isEqualTo(1);
      assertThat(waiting.result()).as("the other write did not wait for this one to give up").isNotDone();
      waiting.cancel();
    }
  }

  /** Each retry step re-creates only what is still missing: an index created on the first is not taken for gone again. */
  @Test
  void anIndexCreatedAgainIsNotCheckedAgainOnEachStepWhileAnotherOfTheBulkStillCannotBe() throws Exception {
    long pid = ProcessHandle.current().pid();
    SimilarityRun stuck = new SimilarityRun("w15", "ds", "bk15", "bulk-writer-still-missing-" + pid,
        SimilarityRun.PRECOMPUTED, Metric.COSINE, 2, null, "flat", false, Instant.now());
    SimilarityRun back = new SimilarityRun("w16", "ds", "bk16", "bulk-writer-created-again-" + pid,
        SimilarityRun.PRECOMPUTED, Metric.COSINE, 2, null, "flat", false, Instant.now());
    try (BodyLimitProxy proxy = new BodyLimitProxy(java.net.URI.create(LocalServers.elasticsearch().httpUrl()),
        1 << 20)) {
      ElasticsearchClient es = ElasticsearchClients.create(SimstreamConfig.load(Map.of())
          .with(Map.of(Settings.ES_HOSTS, proxy.url())));
      BulkVectorWriter writer = new BulkVectorWriter(es, new BulkVectorWriter.Limits(10, 1 << 20,
          Duration.ofMinutes(2)), clusterEncoding(), IndexerMetrics.inMemory(), Clock.systemUTC());
      writer.ensureIndex(stuck);
      writer.ensureIndex(back);
      ElasticsearchClients.restClient(es).performRequest(new Request("DELETE", "/" + stuck.indexName() + ","
          + back.indexName()));
      String create = "PUT /" + stuck.indexName();
      String check = "GET /" + back.indexName();
      proxy.answerUnavailable(create);
      long created = count(proxy, create);

      PendingWrite waiting = writer.submit(List.of(WriteOp.index(stuck, "a", 1, "a", null, new float[] {1, 0}, IMAGE),
          WriteOp.index(back, "b", 1, "b", null, new float[] {0, 1}, IMAGE)));
      awaitCount(proxy, create, created + 2, waiting);
      long checksAfterItsCreation = count(proxy, check);
      awaitCount(proxy, create, created + 4, waiting);

      assertThat(count(proxy, check)).as("checks of the index created again, in later steps")
          .isEqualTo(checksAfterItsCreation);
      waiting.cancel();
    }
  }

  private static long count(BodyLimitProxy proxy, String request) {
    return proxy.forwarded().stream().filter(request::equals).count();
  }

  /** Waits for {@code request} to have passed {@code atLeast} times, while {@code write} is still retrying. */
  private static void awaitCount(BodyLimitProxy proxy, String request, long atLeast, PendingWrite write)
      throws InterruptedException {
    while (count(proxy, request) < atLeast) {
      assertThat(write.result()).as("still retrying").isNotDone();
      Thread.sleep(20);
    }
  }

  @Test
  void twoWritersThatBothFindAShellKeepWhatTheFirstWroteIntoIt() throws Exception {
    SimilarityRun run = new SimilarityRun("w13", "ds", "bk13", "bulk-writer-shell-race-"
        + ProcessHandle.current().pid(), SimilarityRun.PRECOMPUTED, Metric.COSINE, 2, null, "flat", false, Instant.now());
    SimstreamConfig directConfig = SimstreamConfig.load(Map.of()).with(Map.of(Settings.ES_HOSTS,
        LocalServers.elasticsearch().httpUrl()));
    RestClient direct = ElasticsearchClients.restClient(ElasticsearchClients.create(directConfig));
    direct.performRequest(new Request("PUT", "/" + run.indexName()));
    BulkVectorWriter first = new BulkVectorWriter(ElasticsearchClients.create(directConfig), new BulkVectorWriter.Limits(
        10, 1 << 20, Duration.ofSeconds(30)), clusterEncoding(), IndexerMetrics.inMemory(), Clock.systemUTC());
    try (BodyLimitProxy proxy = new BodyLimitProxy(java.net.URI.create(LocalServers.elasticsearch().httpUrl()),
        1 << 20)) {
      BulkVectorWriter second = new BulkVectorWriter(ElasticsearchClients.create(SimstreamConfig.load(Map.of())
          .with(Map.of(Settings.ES_HOSTS, proxy.url()))), new BulkVectorWriter.Limits(10, 1 << 20,
          Duration.ofSeconds(30)), clusterEncoding(), IndexerMetrics.inMemory(), Clock.systemUTC());
      proxy.holdAllBut("GET /" + run.indexName());
      CompletableFuture<String> secondEnsured = CompletableFuture.supplyAsync(() -> second.ensureIndex(run));
      awaitForwarded(proxy, 2);

      // The second has read the shell and waits to act on it; the first maps it and writes meanwhile.
      String uuid = first.ensureIndex(run);
      assertThat(first.write(List.of(WriteOp.index(run, "a", 1, "a", null, new float[] {1, 0}, IMAGE))).applied())
          .isEqualTo(1);
      proxy.release();

      assertThat(secondEnsured.get(30, TimeUnit.SECONDS)).as("the same index, mapped once more in place")
          .isEqualTo(uuid);
      assertThat(second.write(List.of(WriteOp.index(run, "b", 2, "b", null, new float[] {0, 1}, IMAGE))).applied())
          .isEqualTo(1);
      assertThat(proxy.forwarded()).noneMatch(request -> request.startsWith("DELETE"));
    }
    direct.performRequest(new Request("POST", "/" + run.indexName() + "/_refresh"));
    JsonNode ids = Json.MAPPER.readTree(EntityUtils.toByteArray(direct.performRequest(new Request("GET",
        "/" + run.indexName() + "/_search?filter_path=hits.hits._id")).getEntity()));
    assertThat(ids.findValuesAsText("_id")).as("the first writer's document survived").containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void aShellThatGotAFieldTheRunCannotMapIsRefusedNotReportedAsUnavailable() throws Exception {
    SimilarityRun run = new SimilarityRun("w14", "ds", "bk14", "bulk-writer-shell-mapped-elsewhere-"
        + ProcessHandle.current().pid(), SimilarityRun.PRECOMPUTED, Metric.COSINE, 2, null, "flat", false, Instant.now());
    RestClient direct = ElasticsearchClients.restClient(ElasticsearchClients.create(SimstreamConfig.load(Map.of())
        .with(Map.of(Settings.ES_HOSTS, LocalServers.elasticsearch().httpUrl()))));
    direct.performRequest(new Request("PUT", "/" + run.indexName()));
    try (BodyLimitProxy proxy = new BodyLimitProxy(java.net.URI.create(LocalServers.elasticsearch().httpUrl()),
        1 << 20)) {
      BulkVectorWriter writer = new BulkVectorWriter(ElasticsearchClients.create(SimstreamConfig.load(Map.of())
          .with(Map.of(Settings.ES_HOSTS, proxy.url()))), new BulkVectorWriter.Limits(10, 1 << 20,
          Duration.ofSeconds(30)), clusterEncoding(), IndexerMetrics.inMemory(), Clock.systemUTC());
      proxy.holdAllBut("GET /" + run.indexName());
      CompletableFuture<String> ensured = CompletableFuture.supplyAsync(() -> writer.ensureIndex(run));
      awaitForwarded(proxy, 2);

      // Written without the alias after the writer read the shell: the dynamic mapping makes the vector text.
      Request stray = new Request("PUT", "/" + run.indexName() + "/_doc/stray");
      stray.setJsonEntity("{\"vector\": \"not a vector\"}");
      direct.performRequest(stray);
      proxy.release();

      assertThat(catchThrowableOfType(() -> ensured.join(), CompletionException.class).getCause())
          .isInstanceOfSatisfying(IndexWriteException.class, e -> {
            assertThat(e.reason()).as("waiting cannot make the field fit").isEqualTo(IndexWriteException.Reason.INDEX_REFUSED);
            assertThat(e.getMessage()).contains(run.indexName(), "vector");
          });
    }
  }

  private static void awaitForwarded(BodyLimitProxy proxy, int requests) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (proxy.forwarded().size() < requests) {
      assertThat(System.nanoTime()).as("requests through the proxy: %s", proxy.forwarded()).isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  @Test
  void anIndexWhoseVectorFieldDoesNotFitTheRunIsRefusedNotWrittenInto() throws Exception {
    SimstreamConfig config = SimstreamConfig.load(Map.of()).with(Map.of(Settings.ES_HOSTS,
        LocalServers.elasticsearch().httpUrl()));
    SimilarityRun run = new SimilarityRun("w10", "ds", "bk10", "bulk-writer-other-dims-" + ProcessHandle.current().pid(),
        SimilarityRun.PRECOMPUTED, Metric.COSINE, 2, null, "flat", false, Instant.now());
    ElasticsearchClient es = ElasticsearchClients.create(config);
    IndexMapping.create(es, run.indexName(), new VectorFieldSpec(Metric.COSINE, 3, "flat"), run.layout());
    BulkVectorWriter writer = new BulkVectorWriter(es, new BulkVectorWriter.Limits(10, 1 << 20,
        Duration.ofSeconds(30)), clusterEncoding(), IndexerMetrics.inMemory(), java.time.Clock.systemUTC());

    assertThatThrownBy(() -> writer.ensureIndex(run))
        .isInstanceOfSatisfying(IndexWriteException.class,
            e -> assertThat(e.reason()).isEqualTo(IndexWriteException.Reason.INDEX_REFUSED))
        .hasMessageContaining("3 dims").hasMessageContaining("needs dense_vector of 2");
  }

  /** An index whose fields are all objects has a mapping, though none of its fields has a type: not a shell. */
  @Test
  void anIndexMappedOnlyWithObjectFieldsIsRefusedNotTakenForAShell() throws Exception {
    SimilarityRun run = new SimilarityRun("w17", "ds", "bk17", "bulk-writer-objects-only-"
        + ProcessHandle.current().pid(), SimilarityRun.PRECOMPUTED, Metric.COSINE, 2, null, "flat", false, Instant.now());
    ElasticsearchClient es = ElasticsearchClients.create(SimstreamConfig.load(Map.of()).with(Map.of(Settings.ES_HOSTS,
        LocalServers.elasticsearch().httpUrl())));
    RestClient rest = ElasticsearchClients.restClient(es);
    Request create = new Request("PUT", "/" + run.indexName());
    create.setJsonEntity("{\"mappings\": {\"properties\": {\"meta\": {\"properties\": {\"owner\": {\"type\": \"keyword\"}}}}}}");
    rest.performRequest(create);
    BulkVectorWriter writer = new BulkVectorWriter(es, new BulkVectorWriter.Limits(10, 1 << 20,
        Duration.ofSeconds(30)), clusterEncoding(), IndexerMetrics.inMemory(), Clock.systemUTC());

    assertThatThrownBy(() -> writer.ensureIndex(run))
        .isInstanceOfSatisfying(IndexWriteException.class,
            e -> assertThat(e.reason()).isEqualTo(IndexWriteException.Reason.INDEX_REFUSED))
        .hasMessageContaining("no vector field");
    JsonNode properties = Json.MAPPER.readTree(EntityUtils.toByteArray(rest.performRequest(
        new Request("GET", "/" + run.indexName() + "/_mapping")).getEntity()))
        .path(run.indexName()).path("mappings").path("properties");
    assertThat(properties.has(IndexMapping.VECTOR)).as("the run's mapping was not put onto it").isFalse();
  }

  /** The indexer creates a run's index in the run's layout, as the API did: a cleanup must not change it. */
  @Test
  void theIndexIsCreatedInTheRunsLayout() throws Exception {
    SimilarityRun run = new SimilarityRun("w18", "ds", "bk18", "bulk-writer-layout-" + ProcessHandle.current().pid(),
        SimilarityRun.PRECOMPUTED, Metric.COSINE, 2, null, "flat", false, Instant.now(), "bk18",
        new IndexLayout(2, 0));
    ElasticsearchClient es = ElasticsearchClients.create(SimstreamConfig.load(Map.of()).with(Map.of(Settings.ES_HOSTS,
        LocalServers.elasticsearch().httpUrl())));
    BulkVectorWriter writer = new BulkVectorWriter(es, new BulkVectorWriter.Limits(10, 1 << 20,
        Duration.ofSeconds(30)), clusterEncoding(), IndexerMetrics.inMemory(), Clock.systemUTC());

    writer.ensureIndex(run);

    JsonNode settings = Json.MAPPER.readTree(EntityUtils.toByteArray(ElasticsearchClients.restClient(es)
        .performRequest(new Request("GET", "/" + run.indexName() + "/_settings")).getEntity()))
        .path(run.indexName()).path("settings").path("index");
    assertThat(settings.path("number_of_shards").asText()).isEqualTo("2");
    assertThat(settings.path("number_of_replicas").asText()).isEqualTo("0");
  }

  @Test
  void anIndexCreatedWithoutTheSummaryFieldGetsItBeforeTheFirstWrite() throws Exception {
    SimstreamConfig config = SimstreamConfig.load(Map.of()).with(Map.of(Settings.ES_HOSTS,
        LocalServers.elasticsearch().httpUrl()));
    SimilarityRun run = new SimilarityRun("w6", "ds", "bk6", "bulk-writer-old-mapping-" + ProcessHandle.current().pid(),
        SimilarityRun.PRECOMPUTED, Metric.COSINE, 2, "ground_truth", "flat", false, Instant.now());
    ElasticsearchClient es = ElasticsearchClients.create(config);
    RestClient rest = ElasticsearchClients.restClient(es);
    // The create body of a version before the summary: strict, and without the field.
    com.fasterxml.jackson.databind.node.ObjectNode old = (com.fasterxml.jackson.databind.node.ObjectNode)
        Json.MAPPER.readTree(IndexMapping.createIndexBody(new VectorFieldSpec(Metric.COSINE, 2, "flat")));
    ((com.fasterxml.jackson.databind.node.ObjectNode) old.at("/mappings/properties")).remove(IndexMapping.SUMMARY);
    Request create = new Request("PUT", "/" + run.indexName());
    create.setJsonEntity(old.toString());
    rest.performRequest(create);
    BulkVectorWriter writer = new BulkVectorWriter(es, new BulkVectorWriter.Limits(10, 1 << 20,
        Duration.ofSeconds(30)), clusterEncoding(), IndexerMetrics.inMemory(), java.time.Clock.systemUTC());
    writer.ensureIndex(run);

    DocumentSummary patch = new DocumentSummary("file:///images/b.jpg", "ground_truth", "car",
        new BoundingBox(0.1, 0.2, 0.3, 0.4));
    WriteResult result = writer.write(List.of(WriteOp.index(run, "s1-l1", 3, "s1", "l1", new float[] {1, 0}, patch)));

    assertThat(result.rejected()).as("the strict mapping of the old index would refuse the summary").isEmpty();
    assertThat(result.applied()).isEqualTo(1);
    JsonNode source = Json.MAPPER.readTree(EntityUtils.toByteArray(rest.performRequest(
        new Request("GET", "/" + run.indexName() + "/_source/s1-l1")).getEntity()));
    assertThat(source.path("summary").path("label").asText()).isEqualTo("car");
    assertThat(source.path("summary").path("bounding_box")).hasSize(4);
    JsonNode summary = Json.MAPPER.readTree(EntityUtils.toByteArray(rest.performRequest(
        new Request("GET", "/" + run.indexName() + "/_mapping")).getEntity()))
        .path(run.indexName()).path("mappings").path("properties").path("summary");
    assertThat(summary.path("enabled").asBoolean(true)).as("kept in _source, not indexed").isFalse();
  }

  @Test
  void adoptingAnIndexThatHasItsAliasAndSummaryOnlyReadsIt() throws Exception {
    SimilarityRun run = new SimilarityRun("w7", "ds", "bk7", "bulk-writer-adopt-" + ProcessHandle.current().pid(),
        SimilarityRun.PRECOMPUTED, Metric.COSINE, 2, null, "flat", false, Instant.now());
    try (BodyLimitProxy proxy = new BodyLimitProxy(java.net.URI.create(LocalServers.elasticsearch().httpUrl()),
        1 << 20)) {
      SimstreamConfig config = SimstreamConfig.load(Map.of()).with(Map.of(Settings.ES_HOSTS, proxy.url()));
      BulkVectorWriter.Limits limits = new BulkVectorWriter.Limits(10, 1 << 20, Duration.ofSeconds(30));
      String created = new BulkVectorWriter(ElasticsearchClients.create(config), limits, clusterEncoding(),
          IndexerMetrics.inMemory(), java.time.Clock.systemUTC()).ensureIndex(run);
      int before = proxy.forwarded().size();

      // A restarted indexer: a new writer, nothing known yet.
      String adopted = new BulkVectorWriter(ElasticsearchClients.create(config), limits, clusterEncoding(),
          IndexerMetrics.inMemory(), java.time.Clock.systemUTC()).ensureIndex(run);

      assertThat(adopted).isEqualTo(created).isNotBlank();
      assertThat(proxy.forwarded().subList(before, proxy.forwarded().size()))
          .as("no mapping or alias update queued on the master").containsExactly("GET /" + run.indexName());
    }
  }

  @Test
  void anIndexElasticsearchRefusesToCreateIsReportedAsRefusedAtOnceAndAskedForAgainOnlyAfterAWhile()
      throws Exception {
    // More dims than a dense_vector field allows: the create request is refused with a 400.
    SimilarityRun run = new SimilarityRun("w3", "ds", "bk3", "bulk-writer-refused-" + ProcessHandle.current().pid(),
        SimilarityRun.PRECOMPUTED, Metric.COSINE, 100_000, null, "flat", false, Instant.now());
    ManualClock clock = new ManualClock();
    try (BodyLimitProxy proxy = new BodyLimitProxy(java.net.URI.create(LocalServers.elasticsearch().httpUrl()),
        1 << 20)) {
      SimstreamConfig config = SimstreamConfig.load(Map.of()).with(Map.of(Settings.ES_HOSTS, proxy.url()));
      BulkVectorWriter writer = new BulkVectorWriter(ElasticsearchClients.create(config), new BulkVectorWriter.Limits(
          10, 1 << 20, Duration.ofSeconds(30)), clusterEncoding(), IndexerMetrics.inMemory(), clock);

      assertThatThrownBy(() -> writer.ensureIndex(run)).isInstanceOfSatisfying(IndexWriteException.class,
          e -> assertThat(e.reason()).as("refused, not retried until the budget is spent")
              .isEqualTo(IndexWriteException.Reason.INDEX_REFUSED));
      int asked = proxy.forwarded().size();
      // Every flush and backfill step asks: the answer is kept for a while instead of asked again each time.
      assertThatThrownBy(() -> writer.ensureIndex(run)).isInstanceOfSatisfying(IndexWriteException.class,
          e -> assertThat(e.reason()).isEqualTo(IndexWriteException.Reason.INDEX_REFUSED));
      assertThat(proxy.forwarded()).hasSize(asked);

      clock.advance(Duration.ofMinutes(1));
      assertThatThrownBy(() -> writer.ensureIndex(run)).isInstanceOf(IndexWriteException.class);
      assertThat(proxy.forwarded()).as("asked again once the wait is over").hasSizeGreaterThan(asked);
    }
  }

  @Test
  void anErrorOnTheRetryThreadEndsTheWriteInsteadOfLeavingItPendingForGood() throws Exception {
    SimilarityRun run = new SimilarityRun("w11", "ds", "bk11", "bulk-writer-error-" + ProcessHandle.current().pid(),
        SimilarityRun.PRECOMPUTED, Metric.EUCLIDEAN, 4, null, "flat", false, Instant.now());
    ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    try (RestClient rest = RestClient.builder(org.apache.http.HttpHost.create(LocalServers.elasticsearch().httpUrl()))
        .build()) {
      // The index is missing, so the retry re-creates it: there the Error strikes, as an OutOfMemoryError could.
      BulkSubmission submission = new BulkSubmission(rest, new ChunkPlanner(10, 1 << 20, clusterEncoding()),
          IndexerMetrics.inMemory(), scheduler, new Backoff(Duration.ofMinutes(1), Clock.systemUTC(), cap -> 0),
          missing -> {
            throw new OutOfMemoryError("Java heap space");
          }, op -> false);
      submission.start(List.of(WriteOp.index(run, "s1", 1, "s1", null, new float[] {1, 2, 3, 4}, IMAGE)));

      // A scheduled task's Error is kept in its future, which nobody reads: the write waited for good.
      assertThat(submission.result()).failsWithin(Duration.ofMinutes(2))
          .withThrowableOfType(java.util.concurrent.ExecutionException.class)
          .withCauseInstanceOf(OutOfMemoryError.class);
    } finally {
      scheduler.shutdownNow();
    }
  }

  @Test
  void aCancelledWriteNeverCreatesTheIndexItFoundMissing() throws Exception {
    // The task that owned the write was closed (revoked, or its run deleted and cleaned up): a retry still
    // scheduled must not bring the index back.
    SimilarityRun run = new SimilarityRun("w9", "ds", "bk9", "bulk-writer-cancelled-" + ProcessHandle.current().pid(),
        SimilarityRun.PRECOMPUTED, Metric.EUCLIDEAN, 4, null, "flat", false, Instant.now());
    HeldRetries scheduler = new HeldRetries();
    List<Set<String>> recreated = new CopyOnWriteArrayList<>();
    try (RestClient rest = RestClient.builder(org.apache.http.HttpHost.create(LocalServers.elasticsearch().httpUrl()))
        .build()) {
      BulkSubmission submission = new BulkSubmission(rest, new ChunkPlanner(10, 1 << 20, clusterEncoding()),
          IndexerMetrics.inMemory(), scheduler, new Backoff(Duration.ofMinutes(1), Clock.systemUTC(), cap -> 0),
          missing -> {
            recreated.add(missing);
            return new BulkSubmission.Recreation(Set.of(), 0, null);
          }, op -> false);
      submission.start(List.of(WriteOp.index(run, "s1", 1, "s1", null, new float[] {1, 2, 3, 4}, IMAGE)));
      Runnable retry = scheduler.nextHeld();
      submission.cancel();
      retry.run();
      assertThat(recreated).isEmpty();
      assertThat(submission.result()).isCompletedExceptionally();
    } finally {
      scheduler.shutdownNow();
    }
  }

  /** Runs what is due now; keeps each delayed task (a retry round) for the test to run. */
  private static final class HeldRetries extends ScheduledThreadPoolExecutor {
    private final BlockingQueue<Runnable> held = new LinkedBlockingQueue<>();

    HeldRetries() {
      super(1);
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
      if (delay > 0) {
        held.add(command);
      }
      return super.schedule(delay > 0 ? () -> { } : command, 0, unit);
    }

    Runnable nextHeld() throws InterruptedException {
      Runnable next = held.poll(2, TimeUnit.MINUTES);
      assertThat(next).as("a retry was scheduled").isNotNull();
      return next;
    }
  }
}
