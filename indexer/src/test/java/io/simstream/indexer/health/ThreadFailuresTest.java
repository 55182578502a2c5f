package io.simstream.indexer.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.simstream.indexer.write.IndexWriteException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.apache.kafka.streams.errors.StreamsException;
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

  @Test
  void aLoopThatLastsTheExitLimitIsReportedOnceItHasHeldThatLong() {
    ThreadFailures failures = new ThreadFailures(clock, Duration.ofMinutes(5), 3);
    Duration limit = Duration.ofMinutes(10);
    for (int i = 0; i < 3; i++) {
      failures.record(new NullPointerException("poison " + i));
    }
    assertThat(failures.lastingLoop(limit)).as("a loop, but just begun").isEmpty();

    for (int minute = 1; minute < 10; minute++) {
      now = now.plus(Duration.ofMinutes(1));
      failures.record(new NullPointerException("poison again"));
      assertThat(failures.lastingLoop(limit)).isEmpty();
    }
    now = now.plus(Duration.ofMinutes(1));
    failures.record(new NullPointerException("poison again"));
    assertThat(failures.lastingLoop(limit)).hasValueSatisfying(p -> assertThat(p).contains("poison again"));
  }

  @Test
  void aLoopThatStopsStartsItsTimeAgain() {
    ThreadFailures failures = new ThreadFailures(clock, Duration.ofMinutes(5), 3);
    Duration limit = Duration.ofMinutes(10);
    for (int i = 0; i < 3; i++) {
      failures.record(new NullPointerException("poison"));
    }
    assertThat(failures.lastingLoop(limit)).isEmpty();
    now = now.plus(Duration.ofMinutes(6));
    assertThat(failures.lastingLoop(limit)).as("the failures aged out").isEmpty();

    for (int i = 0; i < 3; i++) {
      failures.record(new NullPointerException("poison"));
    }
    now = now.plus(Duration.ofMinutes(4));
    failures.record(new NullPointerException("poison"));
    assertThat(failures.lastingLoop(limit)).as("looping for 4 minutes, not 10").isEmpty();
  }

  @Test
  void failuresOfElasticsearchBeingUnreachableMakeTheIndexerUnhealthyButNeverALoopToExitFor() {
    ThreadFailures failures = new ThreadFailures(clock, Duration.ofMinutes(5), 3);
    for (int minute = 0; minute <= 30; minute++) {
      failures.record(new StreamsException(new IndexWriteException(IndexWriteException.Reason.RETRIES_EXHAUSTED,
          "Elasticsearch did not take 12 writes within the retry budget", null)));
      failures.record(new IndexWriteException(IndexWriteException.Reason.INDEX_UNAVAILABLE, "cannot check", null));
      now = now.plus(Duration.ofMinutes(1));
    }
    assertThat(failures.problem()).isPresent();
    assertThat(failures.lastingLoop(Duration.ofMinutes(10))).as("a restart cannot bring Elasticsearch back").isEmpty();
  }
}
