package io.simstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The CLI in a child JVM whose environment holds only the given {@code SIMSTREAM_*} variables: the CLI reads
 * its settings from the environment, as when a user runs it.
 */
final class CliProcess {
  private static final long TIMEOUT_SECONDS = 300;

  /** The exit status and everything the CLI printed. */
  record Result(int exitCode, String output) {
  }

  private CliProcess() {
  }

  static Result run(Path dir, Map<String, String> environment, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), SimstreamCli.class.getName()));
    command.addAll(List.of(args));
    Path log = Files.createTempFile(dir, "cli", ".log");
    ProcessBuilder cli = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    cli.environment().keySet().removeIf(name -> name.startsWith("SIMSTREAM_"));
    cli.environment().putAll(environment);
    Process process = cli.start();
    boolean exited = process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    if (!exited) {
      process.destroyForcibly();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(exited).as("the CLI exited; its output:%n%s", output).isTrue();
    return new Result(process.exitValue(), output);
  }
}
