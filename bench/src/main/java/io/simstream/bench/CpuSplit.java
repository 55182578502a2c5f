package io.simstream.bench;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Optionally gives Elasticsearch CPUs of its own: the last {@code elasticsearchCpus} CPUs for the
 * node, the others for everything else (the bench JVM with the indexer, API and producer, and the
 * broker). In a deployment Elasticsearch runs on nodes of its own; sharing two cores with the
 * pipeline instead makes the ingest ratio measure how much CPU the pipeline leaves to
 * Elasticsearch, not whether it keeps Elasticsearch busy. Linux only ({@code taskset}, util-linux).
 *
 * @param elasticsearchCpus 0 to leave every process on every CPU
 * @param cpus the machine's CPUs, read before the bench pins itself (the JVM's count follows its own CPU set)
 */
record CpuSplit(int elasticsearchCpus, int cpus) {
  static final CpuSplit NONE = new CpuSplit(0);

  CpuSplit(int elasticsearchCpus) {
    this(elasticsearchCpus, Runtime.getRuntime().availableProcessors());
  }

  CpuSplit {
    if (elasticsearchCpus < 0 || elasticsearchCpus > 0 && elasticsearchCpus >= cpus) {
      throw new IllegalArgumentException("--elasticsearch-cpus must be 0 (no split) or 1.." + (cpus - 1)
          + " on this machine of " + cpus + " CPUs, got " + elasticsearchCpus);
    }
  }

  /** Pins the node's process and the pipeline's processes; threads started later inherit their process's set. */
  void apply(long elasticsearchPid, List<Long> pipelinePids) throws IOException, InterruptedException {
    if (elasticsearchCpus == 0) {
      return;
    }
    pin(elasticsearchPid, elasticsearchCpuList());
    for (long pid : pipelinePids) {
      pin(pid, pipelineCpuList());
    }
  }

  String describe() {
    return elasticsearchCpus == 0 ? "all processes share every CPU"
        : "Elasticsearch pinned to CPUs " + elasticsearchCpuList() + ", the broker and the bench JVM (indexer, "
            + "API, producer, ceilings' clients) to CPUs " + pipelineCpuList();
  }

  /** The CPUs of everything but Elasticsearch; every CPU without a split. */
  List<Integer> pipelineCpus() {
    return IntStream.range(0, cpus - elasticsearchCpus).boxed().toList();
  }

  /** Elasticsearch's CPUs; none without a split. */
  List<Integer> elasticsearchCpuNumbers() {
    return IntStream.range(cpus - elasticsearchCpus, cpus).boxed().toList();
  }

  private String elasticsearchCpuList() {
    return cpuList(elasticsearchCpuNumbers());
  }

  private String pipelineCpuList() {
    return cpuList(pipelineCpus());
  }

  /** CPU numbers as taskset takes them, e.g. {@code 0,1}. */
  static String cpuList(List<Integer> cpus) {
    return cpus.stream().map(String::valueOf).collect(Collectors.joining(","));
  }

  /** Sets the CPUs of every thread of {@code pid}; {@code cpus} is a taskset list, e.g. {@code 0,1} or {@code 0-3}. */
  static void pin(long pid, String cpus) throws IOException, InterruptedException {
    Process taskset = new ProcessBuilder("taskset", "--all-tasks", "--cpu-list", "--pid", cpus, Long.toString(pid))
        .redirectErrorStream(true).start();
    String output = new String(taskset.getInputStream().readAllBytes());
    if (!taskset.waitFor(30, TimeUnit.SECONDS) || taskset.exitValue() != 0) {
      throw new IOException("taskset could not pin process " + pid + " to CPUs " + cpus + ": " + output.strip());
    }
  }
}
