package io.simstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CleanerPassesTest {
  private static final String PASS = "13:48:24.855 INFO  [kafka-log-cleaner-thread-0] o.a.k.storage.internals.log.Cleaner"
      + " - Cleaner 0: " + CleanerPasses.PASS_BEGINS;

  @Test
  void onlyPassesThatBeganAfterTheMarkAreCounted(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("kafka.log");
    Files.writeString(log, PASS + "simstream-indexer-samples-changelog-1\n");
    CleanerPasses passes = CleanerPasses.from(log);
    Files.writeString(log, "13:48:25.000 INFO  [data-plane-kafka-request-handler-0] something else\n"
        + PASS + "simstream-indexer-samples-changelog-0\n"
        + "\tLog cleaner thread 0 cleaned log simstream-indexer-samples-changelog-0 (dirty section = [31755, 190141])\n"
        + PASS + "simstream-indexer-samples-changelog-2\n", StandardOpenOption.APPEND);

    assertThat(passes.since()).containsExactly("simstream-indexer-samples-changelog-0",
        "simstream-indexer-samples-changelog-2");
  }

  @Test
  void aLogThatDidNotGrowHasNoPasses(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("kafka.log");
    Files.writeString(log, PASS + "simstream-indexer-samples-changelog-1\n");

    assertThat(CleanerPasses.from(log).since()).isEmpty();
  }
}
