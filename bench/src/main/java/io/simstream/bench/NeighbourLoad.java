package io.simstream.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the pipeline's CPUs busy at the lowest priority while a load runs, so that the raw loader still gets
 * the CPU it needs: one process per CPU. On a drain the pipeline fills the CPUs beside Elasticsearch's; a raw
 * load with a neighbour says whether that alone raises what Elasticsearch spends per document (shared
 * execution units, caches or memory bandwidth), which no change to the indexer could remove.
 */
final class NeighbourLoad implements AutoCloseable {
  /** What the neighbour does: nothing, arithmetic in registers, or streaming writes over a buffer larger than L3. */
  enum Kind {
    NONE(null, "no neighbour"),
    SPIN("while :; do :; done", "a shell loop spinning on each pipeline CPU"),
    MEMORY("exec dd if=/dev/zero of=/dev/null bs=64M", "dd writing a 64 MiB buffer over and over on each pipeline CPU");

    private final String script;
    private final String description;

    Kind(String script, String description) {
      this.script = script;
      this.description = description;
    }

    String description() {
      return description;
    }
  }

  private final List<Process> processes;

  private NeighbourLoad(List<Process> processes) {
    this.processes = processes;
  }

  /** Starts {@code kind} on each of {@code cpus}; {@link Kind#NONE} starts nothing. */
  static NeighbourLoad start(Kind kind, List<Integer> cpus) throws IOException {
    List<Process> processes = new ArrayList<>();
    if (kind != Kind.NONE) {
      for (int cpu : cpus) {
        processes.add(new ProcessBuilder("taskset", "--cpu-list", Integer.toString(cpu), "nice", "-n", "19",
            "sh", "-c", kind.script)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start());
      }
    }
    return new NeighbourLoad(processes);
  }

  /** Whether every started process is still running: a neighbour that died would make its load a plain one. */
  boolean running() {
    return processes.stream().allMatch(Process::isAlive);
  }

  @Override
  public void close() throws InterruptedException {
    for (Process process : processes) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
    for (Process process : processes) {
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
