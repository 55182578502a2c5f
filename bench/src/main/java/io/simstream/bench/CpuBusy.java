package io.simstream.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * How busy the pipeline's CPUs and Elasticsearch's were while a load was timed, from each CPU's times in
 * {@code /proc/stat}. The per-process figures ({@link StackCpu}) miss part of the kernel's work, such as
 * loopback traffic handled in interrupts: a drain's per-process CPU added up to 0.71 of the pipeline's CPU
 * while that CPU was never idle.
 */
final class CpuBusy {
  private static final Path PROC_STAT = Path.of("/proc/stat");
  /** Columns of a {@code cpuN} line: user nice system idle iowait irq softirq steal (guest time is in user). */
  private static final int SYSTEM = 2;
  private static final int IDLE = 3;
  private static final int IOWAIT = 4;
  private static final int COLUMNS = 8;

  /** Each CPU's times in clock ticks, by CPU number; empty where there is no /proc/stat. */
  record Reading(Map<Integer, long[]> ticks) {
  }

  private CpuBusy() {
  }

  static Reading read() {
    if (!Files.isReadable(PROC_STAT)) {
      return new Reading(Map.of());
    }
    try {
      return parse(Files.readAllLines(PROC_STAT));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Reading parse(List<String> procStat) {
    Map<Integer, long[]> ticks = new TreeMap<>();
    for (String line : procStat) {
      // "cpu " is the sum of all CPUs; "cpu0 ", "cpu1 ", ... are the CPUs.
      if (line.startsWith("cpu") && Character.isDigit(line.charAt(3))) {
        String[] fields = line.trim().split("\\s+");
        ticks.put(Integer.parseInt(fields[0].substring(3)),
            Arrays.stream(fields, 1, 1 + COLUMNS).mapToLong(Long::parseLong).toArray());
      }
    }
    return new Reading(ticks);
  }

  /**
   * "pipeline CPUs 0: busy 1.00 (system 0.33); Elasticsearch CPUs 1: busy 0.81 (system 0.05)", or one group
   * "CPUs 0,1" without a split; "not read" without /proc/stat.
   */
  static String describe(Reading before, Reading after, CpuSplit split) {
    if (after.ticks().isEmpty()) {
      return "not read";
    }
    if (split.elasticsearchCpus() == 0) {
      return group("CPUs", split.pipelineCpus(), before, after);
    }
    return group("pipeline CPUs", split.pipelineCpus(), before, after) + "; "
        + group("Elasticsearch CPUs", split.elasticsearchCpuNumbers(), before, after);
  }

  private static String group(String name, List<Integer> cpus, Reading before, Reading after) {
    long total = 0;
    long idle = 0;
    long system = 0;
    for (int cpu : cpus) {
      long[] from = before.ticks().get(cpu);
      long[] to = after.ticks().get(cpu);
      for (int column = 0; column < COLUMNS; column++) {
        total += to[column] - from[column];
      }
      idle += to[IDLE] - from[IDLE] + to[IOWAIT] - from[IOWAIT];
      system += to[SYSTEM] - from[SYSTEM];
    }
    double span = Math.max(total, 1);
    return String.format(Locale.ROOT, "%s %s: busy %.2f (system %.2f)", name, CpuSplit.cpuList(cpus),
        (total - idle) / span, system / span);
  }
}
