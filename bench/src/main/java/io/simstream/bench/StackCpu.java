package io.simstream.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * CPU time of the stack's processes (all their threads), read from {@code /proc/<pid>/stat}. CPU
 * per event is far steadier than throughput on a shared 2-core machine, and says where the
 * pipeline's cost lies: in Elasticsearch, the broker or the indexer's JVM.
 */
final class StackCpu {
  /** The kernel's clock ticks per second, the unit of the CPU times in {@code stat} files. */
  static final long TICKS_PER_SECOND = clockTicksPerSecond();

  private final Map<String, Long> pids;

  /** @param pids process id by the name reports give it, in report order */
  StackCpu(Map<String, Long> pids) {
    this.pids = new LinkedHashMap<>(pids);
  }

  /** CPU milliseconds used so far, by process name; empty where /proc is not there (not Linux). */
  Map<String, Double> millis() {
    Map<String, Double> used = new LinkedHashMap<>();
    pids.forEach((name, pid) -> {
      Path stat = Path.of("/proc", Long.toString(pid), "stat");
      if (Files.isReadable(stat)) {
        used.put(name, ticks(stat) * 1000.0 / TICKS_PER_SECOND);
      }
    });
    return used;
  }

  /** What each process used between two readings of {@link #millis()}. */
  static Map<String, Double> between(Map<String, Double> before, Map<String, Double> after) {
    Map<String, Double> used = new LinkedHashMap<>();
    after.forEach((name, ms) -> used.put(name, ms - before.getOrDefault(name, 0.0)));
    return used;
  }

  /** The CPU of each process in ms per 1,000 units (vectors, images): "Elasticsearch 90, broker 30, ...". */
  static String perThousand(Map<String, Double> cpuMillis, int units) {
    StringBuilder text = new StringBuilder();
    cpuMillis.forEach((process, ms) -> text.append(text.isEmpty() ? "" : ", ")
        .append(String.format(Locale.ROOT, "%s %.0f", process, ms * 1000 / units)));
    return text.toString();
  }

  /** One resource figure per process, named {@code "<label>, <process>"}, in ms per 1,000 units. */
  static List<Figure> figures(String label, Map<String, Double> cpuMillis, int units) {
    List<Figure> figures = new ArrayList<>();
    cpuMillis.forEach((process, ms) -> figures.add(Figure.of(label + ", " + process, Figure.Kind.RESOURCE, "ms",
        ms * 1000 / units)));
    return figures;
  }

  static double total(Map<String, Double> cpuMillis) {
    return cpuMillis.values().stream().mapToDouble(Double::doubleValue).sum();
  }

  private static long ticks(Path stat) {
    try {
      return ticks(Files.readString(stat));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** User and system CPU ticks of a process's or thread's {@code stat} line. */
  static long ticks(String statLine) {
    // The command name (field 2) may hold spaces; fields after its closing parenthesis are plain.
    String[] fields = statLine.substring(statLine.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime and stime: fields 14 and 15
  }

  private static long clockTicksPerSecond() {
    try {
      Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(getconf.getInputStream().readAllBytes()).strip();
      return getconf.waitFor() == 0 ? Long.parseLong(out) : 100;
    } catch (IOException | NumberFormatException e) {
      return 100; // the Linux default
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 100;
    }
  }
}
