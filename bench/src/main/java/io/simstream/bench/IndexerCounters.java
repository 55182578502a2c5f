package io.simstream.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How the indexer wrote a timed load, from the counters on its {@code /metrics}: flushes and their
 * size, bulk requests, their mean latency and the mean number in flight, the time with none in flight,
 * retries and version conflicts. Two runs of the same code that differ in rate differ here too when
 * batching, stalls or retries are the cause.
 */
final class IndexerCounters {
  private static final String FLUSHES = "simstream_indexer_flush_samples_count";
  private static final String FLUSHED_SAMPLES = "simstream_indexer_flush_samples_sum";
  private static final String BULKS = "simstream_indexer_bulk_latency_seconds_count";
  private static final String BULK_SECONDS = "simstream_indexer_bulk_latency_seconds_sum";
  private static final String RETRIED = "simstream_indexer_bulk_retried_total";
  private static final String CONFLICTS = "simstream_indexer_version_conflicts_total";
  private static final String IDLE_SECONDS = "simstream_indexer_bulk_idle_seconds_total";
  private static final List<String> NAMES =
      List.of(FLUSHES, FLUSHED_SAMPLES, BULKS, BULK_SECONDS, RETRIED, CONFLICTS, IDLE_SECONDS);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final URI metrics;

  IndexerCounters(int adminPort) {
    this.metrics = URI.create("http://127.0.0.1:" + adminPort + "/metrics");
  }

  /** The counters now, each summed over its label sets. */
  Map<String, Double> read() {
    String text;
    try {
      text = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted reading " + metrics, e);
    }
    Map<String, Double> values = new HashMap<>();
    for (String line : text.split("\n")) {
      int nameEnd = line.indexOf('{') >= 0 ? line.indexOf('{') : line.indexOf(' ');
      if (line.startsWith("#") || nameEnd < 0 || !NAMES.contains(line.substring(0, nameEnd))) {
        continue;
      }
      values.merge(line.substring(0, nameEnd), Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)),
          Double::sum);
    }
    return values;
  }

  /**
   * One line on what happened between two readings {@code seconds} apart. A timed load ends once its
   * documents are searchable, so its last second or so, after the last bulk's answer, counts as none in flight.
   */
  static String describe(Map<String, Double> before, Map<String, Double> after, double seconds) {
    double flushes = delta(before, after, FLUSHES);
    double bulks = delta(before, after, BULKS);
    double bulkSeconds = delta(before, after, BULK_SECONDS);
    return String.format(Locale.ROOT, "%.0f flushes of %.0f samples on average, %.0f bulk requests of %.0f ms on"
            + " average, %.1f in flight on average, none in flight %.2f s of %.2f s (the wait from the last answer"
            + " until searchable included), %.0f writes retried, %.0f version conflicts", flushes,
        delta(before, after, FLUSHED_SAMPLES) / Math.max(1, flushes), bulks, 1000 * bulkSeconds / Math.max(1, bulks),
        bulkSeconds / seconds, delta(before, after, IDLE_SECONDS), seconds, delta(before, after, RETRIED),
        delta(before, after, CONFLICTS));
  }

  private static double delta(Map<String, Double> before, Map<String, Double> after, String name) {
    return after.getOrDefault(name, 0.0) - before.getOrDefault(name, 0.0);
  }
}
