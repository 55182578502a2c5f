package io.simstream.bench;

import java.time.Duration;

/** Waits until an index holds a number of searchable documents: the end of every ingest timing. */
final class Searchable {
  private static final long POLL_MS = 100;

  private Searchable() {
  }

  /** Returns System.nanoTime() of the first poll that saw {@code expected} documents. */
  static long await(DirectElasticsearch es, String index, long expected, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long seen = 0;
    while (System.nanoTime() < deadline) {
      seen = countOrZero(es, index);
      if (seen >= expected) {
        return System.nanoTime();
      }
      sleep(POLL_MS);
    }
    throw new IllegalStateException("index " + index + " had " + seen + " of " + expected
        + " documents searchable after " + timeout.toSeconds() + " s");
  }

  /** The index of a new run appears with the run; until then it counts as empty. */
  private static long countOrZero(DirectElasticsearch es, String index) {
    try {
      return es.count(index);
    } catch (RuntimeException notYetCreated) {
      return 0;
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
