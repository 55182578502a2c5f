package io.simstream.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;

/** Queries per second that a number of clients, each sending its next query when the last is answered, get. */
final class ConcurrentThroughput {
  private ConcurrentThroughput() {
  }

  /** Runs {@code query} (given a running query number) from {@code clients} threads for {@code duration}. */
  static double measure(int clients, Duration duration, IntConsumer query) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    AtomicLong done = new AtomicLong();
    try {
      long start = System.nanoTime();
      long end = start + duration.toNanos();
      List<Future<?>> workers = new ArrayList<>(clients);
      for (int c = 0; c < clients; c++) {
        int offset = c;
        workers.add(pool.submit(() -> {
          for (int n = offset; System.nanoTime() < end; n += clients) {
            query.accept(n);
            done.incrementAndGet();
          }
        }));
      }
      for (Future<?> worker : workers) {
        worker.get();
      }
      return done.get() / ((System.nanoTime() - start) / 1e9);
    } finally {
      pool.shutdownNow();
    }
  }
}
