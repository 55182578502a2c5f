package io.simstream.indexer.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class IndexerMetricsTest {
  private final AtomicLong nanos = new AtomicLong(1_000);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void idleTimeCountsOnlyStretchesWithNoBulkInFlight() {
    try (IndexerMetrics metrics = new IndexerMetrics(registry, nanos::get)) {
      pass(5);
      assertThat(idleSeconds()).as("idle from the start").isEqualTo(5.0);
      metrics.bulkSent();
      pass(3);
      metrics.bulkSent();
      assertThat(inFlight()).isEqualTo(2.0);
      metrics.bulkAnswered();
      pass(2);
      assertThat(idleSeconds()).as("one bulk still in flight").isEqualTo(5.0);
      metrics.bulkAnswered();
      pass(4);
      assertThat(idleSeconds()).as("the stretch under way counts as it grows").isEqualTo(9.0);
      metrics.bulkSent();
      pass(1);
      assertThat(idleSeconds()).isEqualTo(9.0);
      assertThat(inFlight()).isEqualTo(1.0);
    }
  }

  private void pass(long seconds) {
    nanos.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
  }

  private double idleSeconds() {
    return registry.get("simstream.indexer.bulk.idle").functionCounter().count();
  }

  private double inFlight() {
    return registry.get("simstream.indexer.bulk.in_flight").gauge().value();
  }
}
