package io.simstream.indexer.health;

import io.simstream.elasticsearch.ElasticsearchFailures;
import io.simstream.indexer.write.IndexWriteException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * Stream thread failures within a sliding window. A replaced thread that fails again on the same
 * record (a poison pill, refused credentials) keeps Kafka Streams RUNNING while its partition never
 * moves; counting failures is what lets {@code /health} say so, and a loop that lasts is what lets
 * the indexer exit so that its orchestrator restarts it (a liveness probe cannot see it).
 */
public final class ThreadFailures {
  private final Clock clock;
  private final Duration window;
  private final int threshold;
  private final Deque<Failure> failures = new ArrayDeque<>();
  private String lastError = "";
  /** Since when the failures a restart might cure have reached the threshold without a break; null if not. */
  private Long loopSinceMs;

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
    failures.addLast(new Failure(clock.millis(), waitingForElasticsearch(error)));
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

  /**
   * Why the indexer should exit, once failures a restart might cure (not Elasticsearch being out of
   * reach, which only waiting cures) have stayed at the threshold for {@code limit}; else empty.
   */
  public synchronized Optional<String> lastingLoop(Duration limit) {
    prune();
    long now = clock.millis();
    if (loopSinceMs == null || now - loopSinceMs < limit.toMillis()) {
      return Optional.empty();
    }
    return Optional.of("stream threads have kept failing for " + (now - loopSinceMs) / 1000 + " s; last: " + lastError);
  }

  private void prune() {
    long oldest = clock.millis() - window.toMillis();
    while (!failures.isEmpty() && failures.peekFirst().atMs() < oldest) {
      failures.removeFirst();
    }
    long curable = failures.stream().filter(failure -> !failure.waitingForElasticsearch()).count();
    if (curable < threshold) {
      loopSinceMs = null;
    } else if (loopSinceMs == null) {
      loopSinceMs = clock.millis();
    }
  }

  private static boolean waitingForElasticsearch(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof IndexWriteException write) {
        return write.reason() == IndexWriteException.Reason.RETRIES_EXHAUSTED
            || write.reason() == IndexWriteException.Reason.INDEX_UNAVAILABLE;
      }
    }
    return false;
  }

  private record Failure(long atMs, boolean waitingForElasticsearch) {
  }
}
