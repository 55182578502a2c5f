package io.simstream.servers;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Starting and stopping server child processes so that none outlives the JVM that started it. */
final class Processes {

  private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

  /**
   * PR_SET_PDEATHSIG fires when the thread that forked the child exits, not the process: every child is
   * spawned from this one thread, which lives as long as the JVM.
   */
  private static final ExecutorService SPAWNER = Executors.newSingleThreadExecutor(runnable -> {
    Thread thread = new Thread(runnable, "simstream-process-spawner");
    thread.setDaemon(true);
    return thread;
  });

  private Processes() {
  }

  /**
   * Starts {@code command} with stdout and stderr appended to {@code logFile}. Where setpriv exists the child
   * gets SIGKILL when this JVM dies, even by SIGKILL; {@code setprivOptions} (e.g. a user switch) need it.
   */
  static Process start(List<String> command, List<String> setprivOptions, Map<String, String> env,
                       Path workingDir, Path logFile) {
    List<String> full = new ArrayList<>();
    if (Files.isExecutable(SETPRIV)) {
      full.add(SETPRIV.toString());
      full.addAll(setprivOptions);
      full.add("--pdeathsig=KILL");
    } else if (!setprivOptions.isEmpty()) {
      throw new IllegalStateException(SETPRIV + " is needed to run " + command.get(0) + " " + setprivOptions);
    }
    full.addAll(command);

    ProcessBuilder builder = new ProcessBuilder(full)
        .directory(workingDir.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    env.forEach((name, value) -> {
      if (value == null) {
        builder.environment().remove(name);
      } else {
        builder.environment().put(name, value);
      }
    });
    try {
      return SPAWNER.submit(builder::start).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting " + full, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw new UncheckedIOException("cannot start " + full, io);
      }
      throw new IllegalStateException("cannot start " + full, e.getCause());
    }
  }

  /** Runs a short command to completion; fails with its output when it exits non-zero. */
  static String run(Duration timeout, String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().close();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("timed out after " + timeout + ": " + String.join(" ", command));
      }
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new IllegalStateException("exit " + process.exitValue() + " from " + String.join(" ", command)
            + ": " + output.strip());
      }
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
    }
  }

  /**
   * SIGTERM to {@code root}, then SIGKILL to it and every process below it once {@code grace} has passed.
   * The descendants are listed first: once the root is gone they are re-parented and cannot be found.
   */
  static void stopTree(ProcessHandle root, Duration grace) {
    List<ProcessHandle> tree = listTree(root);
    root.destroy();
    waitForExit(root, grace);
    killAll(tree);
  }

  /** SIGKILL to {@code root} and every process below it, waiting until they are gone. */
  static void killTree(ProcessHandle root) {
    killAll(listTree(root));
  }

  private static List<ProcessHandle> listTree(ProcessHandle root) {
    List<ProcessHandle> tree = new ArrayList<>(root.descendants().toList());
    tree.add(root);
    return tree;
  }

  private static void killAll(List<ProcessHandle> processes) {
    processes.forEach(ProcessHandle::destroyForcibly);
    processes.forEach(process -> waitForExit(process, Duration.ofSeconds(10)));
  }

  static boolean waitForExit(ProcessHandle process, Duration timeout) {
    try {
      process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The last lines of a log, for error messages when a server does not come up. */
  static String tail(Path logFile, int lines) {
    try {
      List<String> all = new String(Files.readAllBytes(logFile), StandardCharsets.UTF_8).lines().toList();
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(cannot read " + logFile + ": " + e + ")";
    }
  }
}
