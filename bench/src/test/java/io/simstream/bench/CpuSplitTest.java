package io.simstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CpuSplitTest {
  private static final int CPUS = Runtime.getRuntime().availableProcessors();

  /** The bench pins its own JVM: what it reports afterwards must still be the split it made. */
  @Test
  void theSplitIsReportedAsMadeAfterTheBenchJvmPinnedItself() throws Exception {
    assumeThat(CPUS).as("a split needs at least 2 CPUs").isGreaterThanOrEqualTo(2);
    CpuSplit split = new CpuSplit(1);
    String before = split.describe();
    Process standIn = new ProcessBuilder("sleep", "60").start();
    long self = ProcessHandle.current().pid();
    try {
      split.apply(standIn.pid(), List.of(self));
      // The JVM re-reads its CPU set at most every few milliseconds.
      Thread.sleep(200);

      assertThat(split.describe()).isEqualTo(before)
          .contains("Elasticsearch pinned to CPUs " + (CPUS - 1)).contains("to CPUs 0");
    } finally {
      standIn.destroyForcibly();
      CpuSplit.pin(self, "0-" + (CPUS - 1));
    }
  }
}
