package io.simstream.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Elasticsearch's CPU over a measured window by thread pool (write, refresh, flush, merge, transport workers,
 * ...), summed from back-to-back hot threads reports: says which of the node's work costs more per document
 * on one load than on another, where the process's total only says that it does. The node's JIT and GC
 * threads are not Java threads and do not appear; the process total minus these is their share. The last
 * report may reach up to {@link #INTERVAL} past the window, for every measured load alike.
 */
final class ElasticsearchThreadCpu implements AutoCloseable {
  /** Long enough that a thread's 0.1 % rounding is 1 ms, short enough to end soon after the window. */
  static final Duration INTERVAL = Duration.ofSeconds(1);
  private static final Pattern THREAD = Pattern.compile("\\[cpu=([0-9.]+)%.*cpu usage by thread '(.*)'");
  /** {@code elasticsearch[<node>][<pool>][T#n]}, or {@code elasticsearch[<node>][[timer]]}. */
  private static final Pattern POOL = Pattern.compile("^elasticsearch\\[[^\\]]*\\]\\[\\[?([^\\]\\[]+)\\]?\\]");

  private final DirectElasticsearch es;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Map<String, Double> millis = new HashMap<>();
  private final Thread sampler;
  private volatile RuntimeException failure;

  private ElasticsearchThreadCpu(DirectElasticsearch es) {
    this.es = es;
    this.sampler = new Thread(this::sample, "bench-es-thread-cpu");
    sampler.setDaemon(true);
    sampler.start();
  }

  /** Starts summing hot threads reports until {@link #stop(int)}. */
  static ElasticsearchThreadCpu start(DirectElasticsearch es) {
    return new ElasticsearchThreadCpu(es);
  }

  /**
   * Waits for the report in progress and describes the pools that used the most CPU since {@link #start}, in
   * ms per 1,000 of {@code vectors}; a failed report is said instead, as the figures are a diagnosis, not the
   * measurement.
   */
  String stop(int vectors) {
    running.set(false);
    try {
      sampler.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "not sampled (interrupted)";
    }
    if (failure != null) {
      return "not sampled (" + failure.getMessage() + ")";
    }
    synchronized (millis) {
      return ThreadCpu.busiest(millis, vectors);
    }
  }

  /** Stops sampling without waiting, as when the measured work failed. */
  @Override
  public void close() {
    running.set(false);
  }

  private void sample() {
    try {
      while (running.get()) {
        Map<String, Double> report = parse(es.hotThreads(INTERVAL), INTERVAL);
        synchronized (millis) {
          report.forEach((pool, ms) -> millis.merge(pool, ms, Double::sum));
        }
      }
    } catch (RuntimeException e) {
      failure = e;
    }
  }

  /** CPU milliseconds by pool in one hot threads report taken over {@code interval}. */
  static Map<String, Double> parse(String report, Duration interval) {
    Map<String, Double> byPool = new HashMap<>();
    for (String line : report.split("\n")) {
      Matcher thread = THREAD.matcher(line);
      if (thread.find()) {
        double ms = Double.parseDouble(thread.group(1)) / 100 * interval.toMillis();
        if (ms > 0) {
          byPool.merge(pool(thread.group(2)), ms, Double::sum);
        }
      }
    }
    return byPool;
  }

  private static String pool(String threadName) {
    Matcher pool = POOL.matcher(threadName);
    return pool.find() ? pool.group(1) : threadName.replaceAll("\\d+", "#");
  }
}
