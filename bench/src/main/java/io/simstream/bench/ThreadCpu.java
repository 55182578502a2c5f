package io.simstream.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * CPU time of the bench JVM's threads, grouped by name with numbers and ids blanked out (the three
 * HTTP client threads are one group). Says which part of the pipeline a slow run spent its CPU in.
 */
final class ThreadCpu {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final int SHOWN = 6;

  private ThreadCpu() {
  }

  /** CPU nanoseconds used so far by the live threads, by group. */
  static Map<String, Long> nanos() {
    Map<String, Long> used = new HashMap<>();
    for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      long cpu = info == null ? -1 : THREADS.getThreadCpuTime(info.getThreadId());
      if (cpu > 0) {
        used.merge(group(info.getThreadName()), cpu, Long::sum);
      }
    }
    return used;
  }

  private static String group(String name) {
    return name.replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "*").replaceAll("\\d+", "#");
  }

  /** The groups that used the most CPU between two readings, in ms per 1,000 vectors. */
  static String perThousand(Map<String, Long> before, Map<String, Long> after, int vectors) {
    return after.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
        .filter(e -> e.getValue() > 0)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(SHOWN)
        .map(e -> String.format(Locale.ROOT, "%s %.0f", e.getKey(), e.getValue() / 1e6 * 1000 / vectors))
        .collect(Collectors.joining(", "));
  }
}
