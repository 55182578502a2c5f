package io.simstream.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Offers items at a steady rate: every {@link #TICK_MS} the items due by then are handed to the
 * sink at once, and each is reported as offered at that moment. A sink slower than the rate falls
 * behind and its items wait: that wait is part of the latency, as it would be for a real producer.
 */
final class SteadyLoad {
  static final long TICK_MS = 10;

  private SteadyLoad() {
  }

  interface OfferListener<T> {
    void offered(T item, long nanoTime);
  }

  /** Returns the rate actually offered, items per second. */
  static <T> double run(List<T> items, double perSecond, Consumer<List<T>> sink, OfferListener<T> listener) {
    long start = System.nanoTime();
    int sent = 0;
    while (sent < items.size()) {
      long elapsed = System.nanoTime() - start;
      int due = (int) Math.min(items.size(), Math.floor(elapsed / 1e9 * perSecond));
      if (due > sent) {
        List<T> batch = new ArrayList<>(items.subList(sent, due));
        long now = System.nanoTime();
        batch.forEach(item -> listener.offered(item, now));
        sink.accept(batch);
        sent = due;
      }
      Searchable.sleep(TICK_MS);
    }
    return items.size() / ((System.nanoTime() - start) / 1e9);
  }
}
