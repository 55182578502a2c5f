package io.simstream.api.browser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's headless-capable Chromium, installed with apt-get when it is missing and this JVM runs as
 * root. {@link #unavailable()} says why it cannot be had, for tests to print and skip on.
 */
public final class Chromium {
  public static final Path BINARY = Path.of("/usr/bin/chromium");
  private static final long INSTALL_MINUTES = 10;
  private static boolean checked;
  private static String unavailable;

  private Chromium() {
  }

  /** Null when Chromium is there (installed now if need be), else the reason it is not. */
  public static synchronized String unavailable() {
    if (!checked) {
      checked = true;
      unavailable = ensureInstalled();
    }
    return unavailable;
  }

  private static String ensureInstalled() {
    if (Files.isExecutable(BINARY)) {
      return null;
    }
    if (!"root".equals(System.getProperty("user.name"))) {
      return BINARY + " is missing and only root may install it (apt-get install chromium)";
    }
    List<String> install = List.of("apt-get", "install", "-y", "--no-install-recommends", "chromium");
    String failure = run(install);
    if (failure != null) {
      run(List.of("apt-get", "update")); // a fresh image has no package lists yet
      failure = run(install);
    }
    if (failure != null) {
      return "apt-get install chromium failed: " + failure;
    }
    return Files.isExecutable(BINARY) ? null : "the chromium package did not install " + BINARY;
  }

  /** Null on success, else the end of the command's output. */
  private static String run(List<String> command) {
    try {
      Path output = Files.createTempFile("apt", ".out");
      try {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
        Process process = builder.start();
        if (!process.waitFor(INSTALL_MINUTES, TimeUnit.MINUTES)) {
          process.destroyForcibly();
          return "timed out after " + INSTALL_MINUTES + " min: " + String.join(" ", command);
        }
        String text = Files.readString(output, StandardCharsets.UTF_8);
        return process.exitValue() == 0 ? null : text.substring(Math.max(0, text.length() - 2000));
      } finally {
        Files.deleteIfExists(output);
      }
    } catch (IOException e) {
      return e.toString();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }
}
