package io.simstream.indexer.write;

import java.time.Duration;

/**
 * Exponential backoff with a total budget: 100 ms doubling up to 5 s between tries, until the budget
 * (indexer.retry.max-ms) is spent. One instance per batch of writes.
 */
final class Backoff {
  private static final long FIRST_DELAY_MS = 100;
  private static final long MAX_DELAY_MS = 5_000;

  private final long deadlineNanos;
  private long nextDelayMs = FIRST_DELAY_MS;

  Backoff(Duration budget) {
    this.deadlineNanos = System.nanoTime() + budget.toNanos();
  }

  /** Sleeps before the next try; false when the budget is spent and the caller must give up. */
  boolean pause() {
    long remainingMs = (deadlineNanos - System.nanoTime()) / 1_000_000;
    if (remainingMs <= 0) {
      return false;
    }
    long delay = Math.min(nextDelayMs, remainingMs);
    nextDelayMs = Math.min(nextDelayMs * 2, MAX_DELAY_MS);
    try {
      Thread.sleep(delay);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    return true;
  }
}
