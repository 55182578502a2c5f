package io.simstream.monitoring;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Prometheus binaries of the Debian package {@code prometheus} (promtool, prometheus), installed with
 * apt-get when missing and this JVM is root. {@link #unavailable()} says why they cannot be had.
 */
final class Promtool {
  static final Path PROMTOOL = Path.of("/usr/bin/promtool");
  static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  private static final long INSTALL_MINUTES = 10;
  private static String unavailable;
  private static boolean checked;

  /** What one command printed and how it ended. */
  record Result(int exitCode, String output) {
  }

  private Promtool() {
  }

  /** Null when promtool and prometheus are there (installing them first if needed), else the reason. */
  static synchronized String unavailable() {
    if (!checked) {
      checked = true;
      unavailable = ensureInstalled();
      if (unavailable != null) {
        System.out.println("Prometheus tools unavailable, checks that need them are skipped: " + unavailable);
      }
    }
    return unavailable;
  }

  private static String ensureInstalled() {
    if (Files.isExecutable(PROMTOOL) && Files.isExecutable(PROMETHEUS)) {
      return null;
    }
    if (!"root".equals(System.getProperty("user.name"))) {
      return "promtool is not installed and only root may install it (apt-get install prometheus)";
    }
    List<String> install = List.of("apt-get", "install", "-y", "--no-install-recommends", "prometheus");
    Result first = run(null, INSTALL_MINUTES, install);
    if (first.exitCode() != 0) {
      // A fresh image has no package lists yet.
      run(null, INSTALL_MINUTES, List.of("apt-get", "update"));
      Result second = run(null, INSTALL_MINUTES, install);
      if (second.exitCode() != 0) {
        return "apt-get install prometheus failed: " + tail(second.output());
      }
    }
    return Files.isExecutable(PROMTOOL) ? null : "the prometheus package did not install " + PROMTOOL;
  }

  /** Runs promtool with {@code args} in {@code dir}. */
  static Result promtool(Path dir, String... args) {
    List<String> command = new ArrayList<>();
    command.add(PROMTOOL.toString());
    command.addAll(List.of(args));
    return run(dir, 2, command);
  }

  /** Runs `promtool check metrics` on a scrape body (given on stdin). */
  static Result checkMetrics(String body) throws IOException {
    Path file = Files.createTempFile("scrape", ".txt");
    try {
      Files.writeString(file, body);
      return run(null, 2, List.of(PROMTOOL.toString(), "check", "metrics"), file);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static Result run(Path dir, long minutes, List<String> command) {
    return run(dir, minutes, command, Path.of("/dev/null"));
  }

  /** Output goes to a file, so a command that hangs cannot block the read and the timeout holds. */
  private static Result run(Path dir, long minutes, List<String> command, Path stdin) {
    Path output = null;
    try {
      output = Files.createTempFile("command", ".out");
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(output.toFile()).redirectInput(stdin.toFile());
      if (dir != null) {
        builder.directory(dir.toFile());
      }
      builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
      Process process = builder.start();
      if (!process.waitFor(minutes, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        return new Result(-1, "timed out after " + minutes + " min: " + String.join(" ", command));
      }
      return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Result(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "interrupted");
    } finally {
      if (output != null) {
        output.toFile().delete();
      }
    }
  }

  private static String tail(String text) {
    return text.length() <= 2000 ? text : text.substring(text.length() - 2000);
  }
}
