package io.simstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CpuBusyTest {
  private static final CpuBusy.Reading BEFORE = CpuBusy.parse(List.of(
      "cpu  300 0 100 500 0 0 0 0 0 0",
      "cpu0 100 0 50 250 0 0 0 0 0 0",
      "cpu1 200 0 50 250 0 0 0 0 0 0",
      "intr 12345"));
  // In 100 ticks: CPU 0 never idle, a third of it in the kernel; CPU 1 idle 19 ticks and waiting on I/O 1.
  private static final CpuBusy.Reading AFTER = CpuBusy.parse(List.of(
      "cpu  440 0 138 769 1 0 1 0 0 0",
      "cpu0 163 0 83 250 0 0 4 0 0 0",
      "cpu1 275 0 55 269 1 0 0 0 0 0",
      "intr 23456"));

  @Test
  void eachSideOfASplitIsReportedWithItsKernelShare() {
    assertThat(CpuBusy.describe(BEFORE, AFTER, new CpuSplit(1, 2)))
        .isEqualTo("pipeline CPUs 0: busy 1.00 (system 0.33); Elasticsearch CPUs 1: busy 0.80 (system 0.05)");
  }

  @Test
  void withoutASplitTheCpusAreOneGroup() {
    assertThat(CpuBusy.describe(BEFORE, AFTER, new CpuSplit(0, 2))).isEqualTo("CPUs 0,1: busy 0.90 (system 0.19)");
  }

  @Test
  void withoutProcStatNothingIsClaimed() {
    CpuBusy.Reading none = CpuBusy.parse(List.of());
    assertThat(CpuBusy.describe(none, none, new CpuSplit(1, 2))).isEqualTo("not read");
  }
}
