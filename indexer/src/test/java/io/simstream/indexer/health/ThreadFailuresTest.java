package io.simstream.indexer.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ThreadFailuresTest {
  private Instant now = Instant.parse("2026-01-01T00:00:00Z");
  private final Clock clock = new Clock() {
    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  };

  @Test
  void repeatedFailuresWithinTheWindowMakeTheIndexerUnhealthyUntilTheyAge() {
    ThreadFailures failures = new ThreadFailures(clock, Duration.ofMinutes(5), 3);
    failures.record(new IllegalStateException("first"));
    failures.record(new IllegalStateException("second"));
    assertThat(failures.problem()).isEmpty();

    failures.record(new NullPointerException("poison"));
    assertThat(failures.problem()).hasValueSatisfying(p -> assertThat(p).contains("3 times").contains("poison"));

    now = now.plus(Duration.ofMinutes(6));
    assertThat(failures.problem()).as("old failures age out").isEmpty();
  }

  @Test
  void failuresThatEachWaitOutALongRetryBudgetStillCountAsALoop() {
    Duration budget = Duration.ofMinutes(10);
    ThreadFailures failures = ThreadFailures.forRetryBudget(clock, budget);
    for (int i = 0; i < 3; i++) {
      now = now.plus(budget);
      failures.record(new IllegalStateException("Elasticsearch did not take 12 writes within the retry budget"));
    }
    assertThat(failures.problem()).hasValueSatisfying(p -> assertThat(p).contains("3 times"));

    ThreadFailures defaults = ThreadFailures.forRetryBudget(clock, Duration.ofMinutes(1));
    defaults.record(new IllegalStateException("first"));
    now = now.plus(Duration.ofMinutes(6));
    defaults.record(new IllegalStateException("second"));
    defaults.record(new IllegalStateException("third"));
    assertThat(defaults.problem()).as("a short budget keeps the five minutes").isEmpty();
  }
}
