package io.simstream.cli.produce;

import static org.assertj.core.api.Assertions.assertThat;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProgressTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void reportsRateAndTimeLeftFromItsClock() {
    AtomicLong clock = new AtomicLong();
    Progress progress = new Progress(new PrintWriter(new StringWriter()), false, 1000, clock::get);
    for (int i = 0; i < 250; i++) {
      progress.sampleRead(i % 5 != 0);
    }
    clock.set(10 * SECOND);

    assertThat(progress.line(clock.get())).isEqualTo("250/1,000 samples (25%), 20 events/s, ETA 0:30");
  }

  @Test
  void printsPlainLinesWhenNotOnATerminalAndRedrawsOnOne() {
    AtomicLong clock = new AtomicLong();
    StringWriter plain = new StringWriter();
    Progress lines = new Progress(new PrintWriter(plain), false, 2, clock::get);
    lines.sampleRead(true);
    clock.set(6 * SECOND);
    lines.sampleRead(true);
    lines.finish();
    assertThat(plain.toString().lines()).hasSize(2).allMatch(line -> !line.contains("\r"));

    StringWriter terminal = new StringWriter();
    Progress bar = new Progress(new PrintWriter(terminal), true, 2, clock::get);
    clock.set(7 * SECOND);
    bar.sampleRead(true);
    bar.finish();
    assertThat(terminal.toString()).startsWith("\r").contains("1/2 samples (50%)").endsWith(System.lineSeparator());
  }

  /** Runs the probe on a pseudo-terminal made by util-linux's script, with its stdout or stderr sent to a file. */
  private static boolean probeStderrIsTerminal(Path dir, String redirect) throws Exception {
    Path answer = dir.resolve("answer" + redirect.length());
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String command = String.join(" ", java, "-cp", System.getProperty("java.class.path"),
        StderrTerminalProbe.class.getName(), answer.toString(), redirect + " " + dir.resolve("redirected"));
    Process script = new ProcessBuilder("script", "-qec", command, "/dev/null")
        .redirectErrorStream(true).redirectOutput(dir.resolve("script.log").toFile()).start();
    assertThat(script.waitFor(120, TimeUnit.SECONDS)).as("probe finished").isTrue();
    assertThat(script.exitValue()).as(Files.readString(dir.resolve("script.log"))).isZero();
    return Boolean.parseBoolean(Files.readString(answer));
  }

  @Test
  void onlyAStderrOnATerminalGetsTheRedrawnLine(@TempDir Path dir) throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")) && Files.isDirectory(Path.of("/proc/self/fd")),
        "needs util-linux's script and Linux's /proc to make a pseudo-terminal");
    // System.console() said yes to the first (stdout still a terminal) and no to the second.
    assertThat(probeStderrIsTerminal(dir, "2>")).as("stderr sent to a file").isFalse();
    assertThat(probeStderrIsTerminal(dir, ">")).as("stdout sent to a file, stderr on the terminal").isTrue();
  }
}
