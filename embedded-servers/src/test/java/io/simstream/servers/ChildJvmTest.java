package io.simstream.servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs a test class in a child JVM: that only works if surefire's classpath was resolved for the child. */
class ChildJvmTest {

  @TempDir
  Path dir;

  @Test
  void killEndsTheChildAtOnceWithoutItsShutdownHooks() throws IOException {
    ChildJvm child = startSleeper(dir.resolve("kill.log"));

    int exitCode = child.kill();

    assertThat(child.isAlive()).isFalse();
    assertThat(ProcessHandle.of(child.pid())).isEmpty();
    assertThat(exitCode).isEqualTo(128 + 9);
    assertThat(Files.readString(child.logFile())).doesNotContain(SleepingMain.STOPPED);
  }

  @Test
  void stopLetsTheChildRunItsShutdownHooks() throws IOException {
    ChildJvm child = startSleeper(dir.resolve("stop.log"));

    int exitCode = child.stop();

    assertThat(child.isAlive()).isFalse();
    assertThat(exitCode).isEqualTo(128 + 15);
    assertThat(Files.readString(child.logFile())).contains(SleepingMain.STOPPED);
  }

  private static ChildJvm startSleeper(Path log) {
    ChildJvm child = ChildJvm.start(SleepingMain.class.getName(), List.of("-Xmx32m", "-XX:TieredStopAtLevel=1"),
        Map.of("SLEEPING_MAIN_GREETING", "hello"), log);
    await().atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(Files.readString(log)).contains(SleepingMain.STARTED + " with hello"));
    return child;
  }
}
