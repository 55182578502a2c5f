package io.simstream.indexer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.simstream.servers.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessExitTest {
  @TempDir
  Path dir;

  private ChildJvm probe(String mode, Path log) {
    return ChildJvm.start(ChildJvm.currentClasspath(), ProcessExitProbe.class.getName(), List.of(), List.of(mode),
        Map.of(), log);
  }

  @Test
  void aFailureExitsWithOneAfterClosingEvenThoughTheHookHalts() throws Exception {
    Path log = dir.resolve("fail.log");
    // The hook that made SIGTERM a success halted with 0 on System.exit(1) too: orchestrators saw a clean stop.
    assertThat(probe("fail", log).waitFor(Duration.ofMinutes(2))).isEqualTo(ProcessExit.FAILED);
    assertThat(Files.readString(log)).contains("closed");
  }

  @Test
  void aStopOnSigtermIsASuccessAfterClosing() throws Exception {
    Path log = dir.resolve("stop.log");
    ChildJvm child = probe("wait", log);
    await().atMost(Duration.ofMinutes(2)).until(() -> Files.exists(log) && Files.readString(log).contains("started"));

    assertThat(child.stop()).isZero();
    assertThat(Files.readString(log)).contains("closed");
  }
}
