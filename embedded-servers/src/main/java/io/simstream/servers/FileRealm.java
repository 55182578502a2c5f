package io.simstream.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The users and roles of a secured node that live in its config folder: the file realm (written by the
 * distribution's {@code elasticsearch-users}, run as the node's user) and {@code roles.yml}. The node reads both
 * again when they change ({@code resource.reload.interval.high}). They are the only ones the test distribution
 * can hold: native users, native roles and API keys live in the security index, whose mapping needs the
 * analysis module that distribution lacks.
 */
final class FileRealm {
  private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(60);

  private final Path home;
  private final Path config;
  private final List<String> asNodeUser;
  private final Map<String, String> env;
  private final Path workDir;
  private final Path logFile;

  FileRealm(Path home, Path config, List<String> asNodeUser, Map<String, String> env, Path workDir, Path logFile) {
    this.home = home;
    this.config = config;
    this.asNodeUser = List.copyOf(asNodeUser);
    this.env = env;
    this.workDir = workDir;
    this.logFile = logFile;
  }

  void addUser(String name, String password, List<String> roles) {
    List<String> command = new ArrayList<>(List.of(home.resolve("bin/elasticsearch-users").toString(), "useradd",
        name, "-p", password));
    if (!roles.isEmpty()) {
      command.addAll(List.of("-r", String.join(",", roles)));
    }
    Process tool = Processes.start(command, asNodeUser, env, workDir, logFile);
    boolean exited;
    try {
      exited = tool.waitFor(TOOL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while adding user " + name, e);
    }
    if (!exited || tool.exitValue() != 0) {
      Processes.killTree(tool.toHandle());
      throw new IllegalStateException("elasticsearch-users could not add " + name + " ("
          + (exited ? "exit " + tool.exitValue() : "no exit after " + TOOL_TIMEOUT) + "), log " + logFile + ":\n"
          + Processes.tail(logFile, 20));
    }
  }

  /** Replaces {@code roles.yml}; a temp file moved into place, so the node never reads half of it. */
  void writeRoles(String yaml) {
    try {
      Path temp = Files.createTempFile(config, "roles", ".yml");
      Files.writeString(temp, yaml, StandardCharsets.UTF_8);
      if (!asNodeUser.isEmpty()) {
        EsUser.chown(temp);
      }
      Files.move(temp, config.resolve("roles.yml"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the roles of " + config, e);
    }
  }
}
