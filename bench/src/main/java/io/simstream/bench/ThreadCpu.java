package io.simstream.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
  private static final String MAIN_THREAD = "main";
  private static final String LAUNCHER_OS_NAME = "java";

  private ThreadCpu() {
  }

  /** A thread's name and CPU nanoseconds: a Java thread's Java name, or a task's OS name. */
  record Named(String name, long nanos) {
  }

  /** CPU nanoseconds used so far by the live threads, by group. */
  static Map<String, Long> nanos() {
    List<Named> java = new ArrayList<>();
    for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      if (info != null) {
        java.add(new Named(info.getThreadName(), Math.max(0, THREADS.getThreadCpuTime(info.getThreadId()))));
      }
    }
    return byGroup(java, osTasks());
  }

  /**
   * Java threads by group of their Java names; the process's other tasks by {@code os:} group of their OS names.
   * Native threads take the OS name of the thread that created them (ONNX Runtime's pool threads do), so where a
   * name has more tasks than Java threads, what its tasks used beyond the Java threads is counted as
   * {@code os:<name> (native)}.
   */
  static Map<String, Long> byGroup(List<Named> javaThreads, List<Named> tasks) {
    Map<String, Long> used = new HashMap<>();
    Map<String, Integer> javaCount = new HashMap<>();
    Map<String, Long> javaNanos = new HashMap<>();
    for (Named thread : javaThreads) {
      if (thread.nanos() > 0) {
        used.merge(group(thread.name()), thread.nanos(), Long::sum);
      }
      javaCount.merge(osName(thread.name()), 1, Integer::sum);
      javaNanos.merge(osName(thread.name()), thread.nanos(), Long::sum);
    }
    Map<String, Integer> taskCount = new HashMap<>();
    Map<String, Long> taskNanos = new HashMap<>();
    for (Named task : tasks) {
      taskCount.merge(task.name(), 1, Integer::sum);
      taskNanos.merge(task.name(), task.nanos(), Long::sum);
    }
    taskNanos.forEach((name, nanos) -> {
      int java = javaCount.getOrDefault(name, 0);
      if (java == 0) {
        used.merge("os:" + group(name), nanos, Long::sum);
      } else if (taskCount.get(name) > java && nanos > javaNanos.get(name)) {
        used.merge("os:" + group(name) + " (native)", nanos - javaNanos.get(name), Long::sum);
      }
    });
    return used;
  }

  /** The process's tasks (threads) with their OS names, from /proc; empty off Linux. */
  private static List<Named> osTasks() {
    List<Named> named = new ArrayList<>();
    Path tasks = Path.of("/proc/self/task");
    if (!Files.isDirectory(tasks)) {
      return named;
    }
    try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
      for (Path thread : threads) {
        String stat;
        try {
          stat = Files.readString(thread.resolve("stat"));
        } catch (IOException exited) {
          continue;
        }
        named.add(new Named(stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
            StackCpu.ticks(stat) * 1_000_000_000L / StackCpu.TICKS_PER_SECOND));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return named;
  }

  /**
   * A Java thread's name as the OS shows it: Linux keeps the first 15 bytes. The thread running main() is the
   * launcher's, which the JVM does not rename: it stays {@value #LAUNCHER_OS_NAME}.
   */
  private static String osName(String javaName) {
    if (javaName.equals(MAIN_THREAD)) {
      return LAUNCHER_OS_NAME;
    }
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
