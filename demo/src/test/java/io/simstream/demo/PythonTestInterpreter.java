package io.simstream.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Finds a python3 that can run the Python client's tests ({@code requests} and {@code pytest}
 * importable). The Debian interpreter comes first, with the Debian packages installed when they are
 * missing and this JVM is root (apt-get needs it, as Elasticsearch's user switch does); a python3 on
 * the PATH that already has both modules is the fallback.
 */
final class PythonTestInterpreter {

  static final Path DEBIAN_PYTHON = Path.of("/usr/bin/python3");
  private static final Path APT_GET = Path.of("/usr/bin/apt-get");
  private static final List<String> REQUIRED_PACKAGES = List.of("python3-requests", "python3-pytest");
  /** For the live tests of produce_samples, one per Kafka client; optional: a failed install only skips them. */
  private static final List<String> KAFKA_CLIENT_PACKAGES = List.of("python3-confluent-kafka", "python3-kafka");
  private static final String KAFKA_CLIENT_MODULES = "import confluent_kafka, kafka";
  private static final String REQUIRED_MODULES = "import requests, pytest";
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration APT_TIMEOUT = Duration.ofMinutes(10);

  private PythonTestInterpreter() {
  }

  /** The result of {@link #find()}: an interpreter, or why there is none. */
  record Found(Optional<String> python, String report) {
  }

  static Found find() throws IOException, InterruptedException {
    StringBuilder report = new StringBuilder();
    if (Files.isExecutable(DEBIAN_PYTHON)) {
      if (!canRun(DEBIAN_PYTHON.toString()) && canInstall()) {
        report.append(install(REQUIRED_PACKAGES));
      }
      if (canRun(DEBIAN_PYTHON.toString())) {
        if (canInstall() && !imports(DEBIAN_PYTHON.toString(), KAFKA_CLIENT_MODULES)) {
          report.append(install(KAFKA_CLIENT_PACKAGES));
        }
        return new Found(Optional.of(DEBIAN_PYTHON.toString()), report.toString());
      }
      report.append(DEBIAN_PYTHON).append(" lacks requests or pytest")
          .append(canInstall() ? " even after apt-get" : " and this JVM is not root, so apt-get cannot add them")
          .append("; ");
    }
    if (canRun("python3")) {
      return new Found(Optional.of("python3"), report.append("using python3 from the PATH").toString());
    }
    return new Found(Optional.empty(), report.append("no python3 with requests and pytest (install ")
        .append(String.join(" ", REQUIRED_PACKAGES)).append(", or pip install requests pytest)").toString());
  }

  private static boolean canRun(String python) throws IOException, InterruptedException {
    return imports(python, REQUIRED_MODULES);
  }

  private static boolean imports(String python, String statement) throws IOException, InterruptedException {
    try {
      return run(List.of(python, "-c", statement), PROBE_TIMEOUT).exitCode() == 0;
    } catch (IOException e) {
      return false; // no such interpreter
    }
  }

  private static boolean canInstall() {
    return "root".equals(System.getProperty("user.name")) && Files.isExecutable(APT_GET);
  }

  /** Installs the packages, refreshing the package lists once when apt cannot find them. */
  private static String install(List<String> packages) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(APT_GET.toString(), "install", "-y", "-q",
        "--no-install-recommends", "-o", "DPkg::Lock::Timeout=300"));
    command.addAll(packages);
    Outcome first = run(command, APT_TIMEOUT);
    if (first.exitCode() == 0) {
      return "installed " + packages + "; ";
    }
    run(List.of(APT_GET.toString(), "update", "-q", "-o", "DPkg::Lock::Timeout=300"), APT_TIMEOUT);
    Outcome second = run(command, APT_TIMEOUT);
    return second.exitCode() == 0 ? "installed " + packages + " after apt-get update; "
        : "apt-get install " + packages + " failed (" + lastLine(second.output()) + "); ";
  }

  record Outcome(int exitCode, String output) {
  }

  /** Runs a command with its output in a file, so that a command that hangs cannot block the read. */
  static Outcome run(List<String> command, Duration timeout) throws IOException, InterruptedException {
    return run(command, timeout, Map.of(), null);
  }

  static Outcome run(List<String> command, Duration timeout, Map<String, String> env, Path workingDir)
      throws IOException, InterruptedException {
    Path output = Files.createTempFile("simstream-python", ".log");
    try {
      ProcessBuilder builder = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(output.toFile());
      if (workingDir != null) {
        builder.directory(workingDir.toFile());
      }
      builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
      // A PYTHONPATH or PYTHONHOME meant for another interpreter must not leak into this one.
      builder.environment().remove("PYTHONPATH");
      builder.environment().remove("PYTHONHOME");
      builder.environment().putAll(env);
      Process process = builder.start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor();
        return new Outcome(-1, new String(Files.readAllBytes(output), StandardCharsets.UTF_8)
            + "\n(killed after " + timeout.toSeconds() + " s)");
      }
      return new Outcome(process.exitValue(), new String(Files.readAllBytes(output), StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(output);
    }
  }

  private static String lastLine(String output) {
    String trimmed = output.strip();
    return trimmed.substring(trimmed.lastIndexOf('\n') + 1);
  }
}
