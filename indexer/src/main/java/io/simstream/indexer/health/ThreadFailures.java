package io.simstream.indexer.health;

import io.simstream.elasticsearch.ElasticsearchFailures;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * Stream thread failures within a sliding window. A replaced thread that fails again on the same
 * record (a poison pill, refused credentials) keeps Kafka Streams RUNNING while its partition never
 * moves; counting failures is what lets {@code /health} say so.
 */
public final class ThreadFailures {
  private final Clock clock;
  private final Duration window;
  private final int threshold;
  private final Deque<Long> failures = new ArrayDeque<>();
  private String lastError = "";

  /**
   * @param threshold failures within {@code window} from which the indexer reports itself unhealthy
   */
  public ThreadFailures(Clock clock, Duration window, int threshold) {
    this.clock = clock;
    this.window = window;
    this.threshold = threshold;
  }

  /**
   * Three failures within five minutes, or within three retry budgets and a minute when that is
   * longer: a thread that fails only once the budget is spent could never fail three times in five
   * minutes, however long it loops.
   */
  public static ThreadFailures forRetryBudget(Clock clock, Duration retryBudget) {
    Duration loop = retryBudget.multipliedBy(3).plusMinutes(1);
    Duration floor = Duration.ofMinutes(5);
    return new ThreadFailures(clock, loop.compareTo(floor) > 0 ? loop : floor, 3);
  }

  public synchronized void record(Throwable error) {
    failures.addLast(clock.millis());
    // A refused password or certificate is named as such, not as the stream exception wrapping it.
    lastError = ElasticsearchFailures.describe(error);
    prune();
  }

  /** Why the indexer is unhealthy, or empty while failures stay below the threshold. */
  public synchronized Optional<String> problem() {
    prune();
    if (failures.size() < threshold) {
      return Optional.empty();
    }
    return Optional.of("stream threads failed " + failures.size() + " times in the last " + window.toSeconds()
        + " s; last: " + lastError);
  }

  private void prune() {
    long oldest = clock.millis() - window.toMillis();
    while (!failures.isEmpty() && failures.peekFirst() < oldest) {
      failures.removeFirst();
    }
  }
}
