package io.simstream.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The byte budget shared by the decodes of one loader. */
class DecodeBudgetTest {

  private static final long MIB = 1024 * 1024;

  @Test
  void aDecodeWaitsWhileOthersHoldTheBudgetAndProceedsOnceTheyRelease() throws Exception {
    DecodeBudget budget = new DecodeBudget(100 * MIB);
    DecodeBudget.Lease first = budget.reserve(60 * MIB, Duration.ofSeconds(10));
    // The budget is held, so this cannot succeed however long the machine takes.
    assertThatThrownBy(() -> budget.reserve(60 * MIB, Duration.ofMillis(50)))
        .isInstanceOfSatisfying(ImageLoadException.class,
            e -> assertThat(e.failure()).isEqualTo(EmbeddingFailure.TIMEOUT))
        .hasMessageContaining("memory");
    try (DecodeBudget.Lease small = budget.reserve(40 * MIB, Duration.ofSeconds(10))) {
      assertThat(small).isNotNull();
    }
    first.close();
    try (DecodeBudget.Lease second = budget.reserve(60 * MIB, Duration.ofSeconds(10))) {
      assertThat(second).isNotNull();
    }
  }

  @Test
  void oneDecodeLargerThanTheBudgetTakesAllOfItRatherThanNeverRunning() throws Exception {
    DecodeBudget budget = new DecodeBudget(10 * MIB);
    try (DecodeBudget.Lease all = budget.reserve(50 * MIB, Duration.ofSeconds(10))) {
      assertThatThrownBy(() -> budget.reserve(1, Duration.ofMillis(50))).isInstanceOf(ImageLoadException.class);
    }
    budget.reserve(1, Duration.ofSeconds(10)).close();
  }

  @Test
  void theDefaultIsAQuarterOfTheHeap() {
    assertThat(EmbeddingConfig.defaults().maxDecodeBytes())
        .isEqualTo(Math.max(EmbeddingConfig.MIN_DECODE_BYTES, Runtime.getRuntime().maxMemory() / 4));
  }
}
