package io.simstream.indexer.write;

import java.time.Clock;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.function.LongUnaryOperator;

/**
 * Exponential backoff with full jitter and a total budget: the n-th delay is drawn from
 * [cap/2, cap] where cap is 100 ms doubling up to 5 s, until the budget (indexer.retry.max-ms) is
 * spent. Jitter keeps the retries of many tasks from hitting a recovering cluster at once. It never
 * sleeps: callers schedule the next try themselves, so no thread is held while waiting.
 */
final class Backoff {
  private static final long FIRST_DELAY_MS = 100;
  private static final long MAX_DELAY_MS = 5_000;

  private final Clock clock;
  private final long deadlineMs;
  private final LongUnaryOperator jitter;
  private long capMs = FIRST_DELAY_MS;

  /**
   * @param jitter maps a cap to a random value in [0, cap); {@code ThreadLocalRandom} in production
   */
  Backoff(Duration budget, Clock clock, LongUnaryOperator jitter) {
    this.clock = clock;
    this.deadlineMs = clock.millis() + budget.toMillis();
    this.jitter = jitter;
  }

  /** What is left of the budget, 0 once it is spent. */
  long remainingMs() {
    return Math.max(0, deadlineMs - clock.millis());
  }

  /** The delay before the next try, or empty when the budget is spent and the caller must give up. */
  OptionalLong next() {
    long remainingMs = remainingMs();
    if (remainingMs == 0) {
      return OptionalLong.empty();
    }
    long cap = capMs;
    capMs = Math.min(capMs * 2, MAX_DELAY_MS);
    long delay = cap / 2 + jitter.applyAsLong(cap / 2 + 1);
    return OptionalLong.of(Math.min(delay, remainingMs));
  }
}
