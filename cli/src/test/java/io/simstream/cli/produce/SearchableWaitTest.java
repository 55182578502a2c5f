package io.simstream.cli.produce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.simstream.cli.http.ApiClient;
import io.simstream.cli.http.ApiException;
import io.simstream.cli.source.SourceSample;
import io.simstream.json.Json;
import io.simstream.run.Metric;
import io.simstream.run.SimilarityRun;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The search step of --wait against an HTTP server that answers as the query API does, failures included. */
class SearchableWaitTest {
  private static final SimilarityRun RUN = new SimilarityRun("id", "ds", "clip", "index", SimilarityRun.PRECOMPUTED,
      Metric.COSINE, 2, null, "int8_hnsw", false, Instant.EPOCH);
  private static final List<ProducedSample> SENT = List.of(
      ProducedSample.of(new SourceSample("s1", null, Map.of("clip", new float[] {1, 0}), List.of(), "h", "line 1")),
      ProducedSample.of(new SourceSample("s2", null, Map.of("clip", new float[] {0, 1}), List.of(), "h", "line 2")));

  private HttpServer server;
  private final StringWriter log = new StringWriter();
  /** Failures still to answer before the real answer, per route. */
  private final AtomicInteger listFailures = new AtomicInteger();
  private final AtomicInteger searchFailures = new AtomicInteger();
  private int failureStatus = 503;
  private final AtomicInteger searches = new AtomicInteger();
  /** The run info route's answer: 200 with whether the index exists, or 404 when null (the run is gone). */
  private Boolean indexExists = true;
  /** Failures of the run info route before its answer. */
  private final AtomicInteger infoFailures = new AtomicInteger();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/v1/similarity", exchange -> answer(exchange, listFailures,
        Json.MAPPER.writeValueAsString(Map.of("runs", List.of(RUN)))));
    server.createContext("/v1/datasets/ds/similarity/clip", exchange -> {
      if (infoFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        exchange.sendResponseHeaders(503, -1);
        exchange.close();
        return;
      }
      byte[] bytes = (indexExists == null ? "{\"error\":\"no run 'clip'\",\"status\":404}"
          : "{\"brainKey\":\"clip\",\"indexExists\":" + indexExists + "}").getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(indexExists == null ? 404 : 200, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    server.createContext("/v1/datasets/ds/similarity/clip/sort-by-similarity", exchange -> {
      searches.incrementAndGet();
      answer(exchange, searchFailures, "{\"hits\":[{\"id\":\"s1\"},{\"id\":\"s2\"}]}");
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void answer(HttpExchange exchange, AtomicInteger failures, String body) throws IOException {
    boolean fail = failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    byte[] bytes = (fail ? "{\"error\":\"Elasticsearch is unavailable\"}" : body).getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(fail ? failureStatus : 200, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private SearchableWait searchableWait() {
    return new SearchableWait(new ApiClient("http://127.0.0.1:" + server.getAddress().getPort(), ""),
        new PrintWriter(log, true));
  }

  private static long deadlineIn(Duration duration) {
    return System.nanoTime() + duration.toNanos();
  }

  @Test
  void waitsThroughAnUnavailableApiUntilEverythingIsSearchable() throws Exception {
    listFailures.set(2);
    searchFailures.set(2);

    searchableWait().await("ds", SENT, List.of(), deadlineIn(Duration.ofMinutes(2)));

    assertThat(searches).hasValue(3);
    assertThat(log.toString())
        .contains("answered 503: Elasticsearch is unavailable; trying again until --wait-timeout")
        .contains("the query API answers again")
        .contains("searchable in 1 run(s): [clip]");
  }

  @Test
  void aTimeoutNamesTheLastFailure() {
    searchFailures.set(Integer.MAX_VALUE);

    assertThatThrownBy(() -> searchableWait().await("ds", SENT, List.of(), deadlineIn(Duration.ofSeconds(1))))
        .isInstanceOf(TimeoutException.class)
        .hasMessageContaining("expected 2 document(s) for 2 sample(s)")
        .hasMessageContaining("last failure: POST /v1/datasets/ds/similarity/clip/sort-by-similarity answered 503");
  }

  @Test
  void anUnreachableApiIsRetriedToo() throws IOException {
    int port = server.getAddress().getPort();
    server.stop(0);
    SearchableWait wait = new SearchableWait(new ApiClient("http://127.0.0.1:" + port, ""), new PrintWriter(log, true));

    assertThatThrownBy(() -> wait.await("ds", SENT, List.of(), deadlineIn(Duration.ofSeconds(1))))
        .isInstanceOf(TimeoutException.class)
        .hasMessageContaining("the runs of 'ds' could not be listed")
        .hasMessageContaining("unreachable");
  }

  @Test
  void aRefusedRequestEndsTheWait() {
    failureStatus = 400;
    searchFailures.set(1);

    assertThatThrownBy(() -> searchableWait().await("ds", SENT, List.of(), deadlineIn(Duration.ofMinutes(2))))
        .isInstanceOf(ApiException.class)
        .hasMessageContaining("answered 400");
    assertThat(searches).hasValue(1);
  }

  @Test
  void aRunWhoseIndexIsBeingCreatedAgainIsWaitedFor() throws Exception {
    // After cleanup the indexer creates the index again: searches answer 404 until then.
    failureStatus = 404;
    searchFailures.set(2);
    indexExists = false;

    searchableWait().await("ds", SENT, List.of(), deadlineIn(Duration.ofMinutes(2)));

    assertThat(searches).hasValue(3);
    assertThat(log.toString()).contains("the index of run 'clip' does not exist yet")
        .contains("searchable in 1 run(s): [clip]");
  }

  @Test
  void aRunDeletedDuringTheWaitEndsIt() {
    failureStatus = 404;
    searchFailures.set(1);
    indexExists = null;

    assertThatThrownBy(() -> searchableWait().await("ds", SENT, List.of(), deadlineIn(Duration.ofMinutes(2))))
        .isInstanceOf(ApiException.class)
        .hasMessageContaining("sort-by-similarity answered 404");
    assertThat(searches).hasValue(1);
  }

  @Test
  void aRunInfoThatFailsForAMomentIsRetriedNotTakenForAGoneRun() throws Exception {
    failureStatus = 404;
    searchFailures.set(1);
    indexExists = false;
    infoFailures.set(1);

    searchableWait().await("ds", SENT, List.of(), deadlineIn(Duration.ofMinutes(2)));

    assertThat(log.toString()).contains("searchable in 1 run(s): [clip]");
  }
}
