package io.simstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class IndexerCountersTest {
  @Test
  void describesTheChangeBetweenTwoReadingsWithTheMeanInFlightAndTheIdleTime() {
    Map<String, Double> before = Map.of("simstream_indexer_flush_samples_count", 10.0,
        "simstream_indexer_flush_samples_sum", 1_000.0, "simstream_indexer_bulk_latency_seconds_count", 10.0,
        "simstream_indexer_bulk_latency_seconds_sum", 4.0, "simstream_indexer_bulk_idle_seconds_total", 30.0);
    Map<String, Double> after = Map.of("simstream_indexer_flush_samples_count", 30.0,
        "simstream_indexer_flush_samples_sum", 11_000.0, "simstream_indexer_bulk_latency_seconds_count", 30.0,
        "simstream_indexer_bulk_latency_seconds_sum", 24.0, "simstream_indexer_bulk_idle_seconds_total", 31.5,
        "simstream_indexer_version_conflicts_total", 2.0);

    assertThat(IndexerCounters.describe(before, after, 5.0)).isEqualTo("20 flushes of 500 samples on average,"
        + " 20 bulk requests of 1000 ms on average, 4.0 in flight on average, none in flight 1.50 s of 5.00 s"
        + " (the wait from the last answer until searchable included), 0 writes retried, 2 version conflicts");
  }
}
