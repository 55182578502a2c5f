package io.simstream.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * CPU time of the bench JVM's threads, grouped by name with numbers and ids blanked out (the three
 * HTTP client threads are one group). Says which part of the pipeline a slow run spent its CPU in.
 * Threads the JVM does not list (GC, JIT compilers, RocksDB's native flushes and compactions) are read
 * from {@code /proc/self/task} on Linux and shown by their OS name with an {@code os:} prefix.
 */
final class ThreadCpu {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final int SHOWN = 8;
  private static final int OS_NAME_LENGTH = 15;
  /** The primordial thread's OS name: the launcher's, not the Java thread's. */
  private static final String MAIN_OS_NAME = "java";

  private ThreadCpu() {
  }

  /** CPU nanoseconds used so far by the live threads, by group. */
  static Map<String, Long> nanos() {
    Map<String, Long> used = new HashMap<>();
    Set<String> javaOsNames = new HashSet<>(Set.of(MAIN_OS_NAME));
    for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      long cpu = info == null ? -1 : THREADS.getThreadCpuTime(info.getThreadId());
      if (info != null) {
        javaOsNames.add(osName(info.getThreadName()));
      }
      if (cpu > 0) {
        used.merge(group(info.getThreadName()), cpu, Long::sum);
      }
    }
    otherThreads(javaOsNames).forEach((name, cpu) -> used.merge(name, cpu, Long::sum));
    return used;
  }

  /** CPU of the process's threads whose OS name is no Java thread's, by {@code os:} group; empty off Linux. */
  private static Map<String, Long> otherThreads(Set<String> javaOsNames) {
    Map<String, Long> used = new HashMap<>();
    Path tasks = Path.of("/proc/self/task");
    if (!Files.isDirectory(tasks)) {
      return used;
    }
    try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
      for (Path thread : threads) {
        String stat;
        try {
          stat = Files.readString(thread.resolve("stat"));
        } catch (IOException exited) {
          continue;
        }
        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        if (!javaOsNames.contains(name)) {
          used.merge("os:" + group(name), StackCpu.ticks(stat) * 1_000_000_000L / StackCpu.TICKS_PER_SECOND,
              Long::sum);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return used;
  }

  /** A Java thread's name as the OS shows it: Linux keeps the first 15 bytes. */
  private static String osName(String javaName) {
    return javaName.length() <= OS_NAME_LENGTH ? javaName : javaName.substring(0, OS_NAME_LENGTH);
  }

  private static String group(String name) {
    return name.replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "*").replaceAll("\\d+", "#");
  }

  /** The groups that used the most CPU between two readings, in ms per 1,000 vectors. */
  static String perThousand(Map<String, Long> before, Map<String, Long> after, int vectors) {
    Map<String, Double> millis = new HashMap<>();
    after.forEach((group, nanos) -> {
      long used = nanos - before.getOrDefault(group, 0L);
      if (used > 0) {
        millis.put(group, used / 1e6);
      }
    });
    return busiest(millis, vectors);
  }

  /**
   * The {@value #SHOWN} names (threads, groups, pools) that used the most of {@code millis}, in ms per 1,000
   * vectors: one format for this JVM's threads and Elasticsearch's pools, so their lines read alike.
   */
  static String busiest(Map<String, Double> millis, int vectors) {
    return millis.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .limit(SHOWN)
        .map(e -> String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue() * 1000 / vectors))
        .collect(Collectors.joining(", "));
  }
}
