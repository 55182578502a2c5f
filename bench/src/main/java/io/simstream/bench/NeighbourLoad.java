package io.simstream.bench;

import io.simstream.servers.Dirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the pipeline's CPUs busy at the lowest priority while a load runs, so that the raw loader still gets
 * the CPU it needs: one process per CPU. On a drain the pipeline fills the CPUs beside Elasticsearch's and the
 * broker and RocksDB write to the same disk; a raw load with a neighbour says whether that alone raises what
 * Elasticsearch spends per document (shared execution units, caches, memory bandwidth, the disk), which no
 * change to the indexer could remove.
 */
final class NeighbourLoad implements AutoCloseable {
  /**
   * What the neighbour does: nothing, arithmetic in registers, streaming writes over a buffer larger than L3, or
   * buffered file writes without fsync (as the broker appends), as fast as the page cache and the disk take them.
   */
  enum Kind {
    NONE(null, "no neighbour"),
    SPIN("while :; do :; done", "a shell loop spinning on each pipeline CPU"),
    MEMORY("exec dd if=/dev/zero of=/dev/null bs=64M", "dd writing a 64 MiB buffer over and over on each pipeline CPU"),
    DISK("i=0; while :; do dd if=/dev/zero of=f$((i % 16)) bs=1M count=64 status=none; i=$((i + 1)); done",
        "dd rewriting 16 files of 64 MiB in turn, buffered, on the disk Elasticsearch writes to, from each pipeline CPU");

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
  private final List<Path> scratch;

  private NeighbourLoad(List<Process> processes, List<Path> scratch) {
    this.processes = processes;
    this.scratch = scratch;
  }

  /**
   * Starts {@code kind} on each of {@code cpus}, each process in a new directory under {@code scratchParent} for
   * what it writes; {@link Kind#NONE} starts nothing.
   */
  static NeighbourLoad start(Kind kind, List<Integer> cpus, Path scratchParent) throws IOException {
    List<Process> processes = new ArrayList<>();
    List<Path> scratch = new ArrayList<>();
    if (kind != Kind.NONE) {
      for (int cpu : cpus) {
        Path directory = Files.createTempDirectory(scratchParent, "neighbour");
        scratch.add(directory);
        processes.add(new ProcessBuilder("taskset", "--cpu-list", Integer.toString(cpu), "nice", "-n", "19",
            "sh", "-c", kind.script)
            .directory(directory.toFile())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start());
      }
    }
    return new NeighbourLoad(processes, scratch);
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
    scratch.forEach(Dirs::deleteTree);
  }
}
