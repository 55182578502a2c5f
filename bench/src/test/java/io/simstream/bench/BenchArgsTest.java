package io.simstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BenchArgsTest {
  private static final int CPUS = Runtime.getRuntime().availableProcessors();

  @Test
  void elasticsearchKeepsTheLastCpusAndThePipelineTheOthers() {
    // CI machines have at least 2 CPUs; a single-CPU machine cannot split.
    BenchArgs args = BenchArgs.parse(new String[] {"--elasticsearch-cpus", "1", "--cases", "ingest"});

    assertThat(args.cpuSplit().elasticsearchCpus()).isEqualTo(1);
    assertThat(args.cpuSplit().describe()).contains("Elasticsearch pinned to CPUs " + (CPUS - 1))
        .contains("to CPUs 0");
    assertThat(BenchArgs.parse(new String[0]).cpuSplit()).isEqualTo(CpuSplit.NONE);
  }

  @Test
  void aSplitThatLeavesThePipelineNoCpuIsRefused() {
    assertThatThrownBy(() -> BenchArgs.parse(new String[] {"--elasticsearch-cpus", Integer.toString(CPUS)}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--elasticsearch-cpus must be 0");
    assertThatThrownBy(() -> BenchArgs.parse(new String[] {"--elasticsearch-cpus", "-1"}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theRecallTableTakesTheApisDefaultIndexTypeUnlessToldAnother() {
    assertThat(BenchArgs.parse(new String[0]).scale().recallIndexOptions()).isNull();
    BenchArgs flat = BenchArgs.parse(new String[] {"--scale", "small", "--recall-index-options", "int8_flat"});
    assertThat(flat.scale().recallIndexOptions()).isEqualTo("int8_flat");
    assertThat(flat.scale().name()).isEqualTo("small");
    assertThatThrownBy(() -> BenchArgs.parse(new String[] {"--recall-index-options", "int9_flat"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--recall-index-options must be one of");
  }

  @Test
  void chaosIndexersMapTheClassArchiveUnlessTurnedOff() {
    assertThat(BenchArgs.parse(new String[0]).scale().chaos().classArchive()).isTrue();
    BenchArgs off = BenchArgs.parse(new String[] {"--indexer-class-archive", "off", "--chaos-kills", "3"});
    assertThat(off.scale().chaos().classArchive()).isFalse();
    assertThat(off.scale().chaos().kills()).isEqualTo(3);
    assertThatThrownBy(() -> BenchArgs.parse(new String[] {"--indexer-class-archive", "yes"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("on or off");
  }
}
