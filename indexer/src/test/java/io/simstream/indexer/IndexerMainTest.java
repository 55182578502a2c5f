package io.simstream.indexer;

import static org.assertj.core.api.Assertions.assertThat;

import io.simstream.config.Settings;
import io.simstream.servers.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexerMainTest {
  @TempDir
  Path dir;

  @Test
  void anInvalidConfigurationListsEveryProblemAndExitsWithStatusTwo() throws Exception {
    Path log = dir.resolve("indexer.log");
    ChildJvm child = ChildJvm.start(IndexerMain.class.getName(), List.of(), Map.of(
        Settings.INDEXER_BATCH_SIZE.envName(), "zero",
        Settings.INDEXER_ADMIN_PORT.envName(), "70000"), log);

    assertThat(child.waitFor(Duration.ofSeconds(30))).isEqualTo(2);
    assertThat(Files.readString(log)).contains("Invalid simstream configuration")
        .contains(Settings.INDEXER_BATCH_SIZE.envName()).contains(Settings.INDEXER_ADMIN_PORT.envName());
  }
}
