package io.simstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NeighbourLoadTest {

  @TempDir
  Path scratch;

  @Test
  void aNeighbourBurnsCpuUntilClosedAndLeavesNoFilesAndNoneStartsNothing() throws Exception {
    for (NeighbourLoad.Kind kind : List.of(NeighbourLoad.Kind.SPIN, NeighbourLoad.Kind.MEMORY,
        NeighbourLoad.Kind.DISK)) {
      List<ProcessHandle> started = new ArrayList<>();
      try (NeighbourLoad neighbour = NeighbourLoad.start(kind, List.of(0), scratch)) {
        ProcessHandle.current().children().forEach(started::add);
        assertThat(started).as(kind + ": one process per CPU").hasSize(1);
        // Progress, not a fixed time: the process must show CPU time of its own (nice 19 still gets some).
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (cpu(started.get(0)).compareTo(Duration.ofMillis(50)) < 0 && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        assertThat(cpu(started.get(0))).as(kind + " CPU time").isGreaterThanOrEqualTo(Duration.ofMillis(50));
        assertThat(neighbour.running()).isTrue();
      }
      assertThat(started.get(0).isAlive()).as(kind + " stopped on close").isFalse();
      try (Stream<Path> left = Files.list(scratch)) {
        assertThat(left).as(kind + " scratch removed on close").isEmpty();
      }
    }
    try (NeighbourLoad none = NeighbourLoad.start(NeighbourLoad.Kind.NONE, List.of(0), scratch)) {
      assertThat(ProcessHandle.current().children().count()).isZero();
      assertThat(none.running()).isTrue();
    }
  }

  @Test
  void loadsWithANeighbourRunOnlyWhenElasticsearchHasCpusOfItsOwn() {
    assertThat(BulkFormCase.variants(CpuSplit.NONE)).isNotEmpty()
        .allMatch(v -> v.neighbour() == NeighbourLoad.Kind.NONE);
    assertThat(BulkFormCase.variants(new CpuSplit(1, 2))).containsExactlyElementsOf(BulkFormCase.VARIANTS)
        .anyMatch(v -> v.neighbour() == NeighbourLoad.Kind.SPIN)
        .anyMatch(v -> v.neighbour() == NeighbourLoad.Kind.MEMORY)
        .anyMatch(v -> v.neighbour() == NeighbourLoad.Kind.DISK);
    assertThat(new CpuSplit(1, 4).pipelineCpus()).containsExactly(0, 1, 2);
  }

  private static Duration cpu(ProcessHandle process) {
    return process.info().totalCpuDuration().orElse(Duration.ZERO);
  }
}
