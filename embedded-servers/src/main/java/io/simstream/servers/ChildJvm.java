package io.simstream.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Java main class running in a child JVM, its stdout and stderr appended to a log file. The child dies
 * with this JVM: a shutdown hook stops it, and on Linux it also gets SIGKILL if this JVM is killed.
 */
public final class ChildJvm implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ChildJvm.class);
  private static final Duration STOP_GRACE = Duration.ofSeconds(20);

  private final String mainClass;
  private final Process process;
  private final Path logFile;
  private final Thread shutdownHook;

  private ChildJvm(String mainClass, Process process, Path logFile) {
    this.mainClass = mainClass;
    this.process = process;
    this.logFile = logFile;
    this.shutdownHook = new Thread(this::stopQuietly, "stop-child-jvm-" + process.pid());
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Runs {@code mainClass} with this JVM's classpath, as {@link #currentClasspath()} finds it. */
  public static ChildJvm start(String mainClass, List<String> jvmArgs, Map<String, String> env, Path logFile) {
    return start(currentClasspath(), mainClass, jvmArgs, List.of(), env, logFile);
  }

  /**
   * Runs {@code mainClass} with {@code classpath} and program arguments {@code args}; the working directory
   * is the log file's directory. Entries of {@code env} with a null value are removed from the inherited
   * environment.
   */
  public static ChildJvm start(String classpath, String mainClass, List<String> jvmArgs, List<String> args,
                               Map<String, String> env, Path logFile) {
    Path absoluteLog = logFile.toAbsolutePath();
    try {
      Files.createDirectories(absoluteLog.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmArgs);
    command.add("-cp");
    command.add(classpath);
    command.add(mainClass);
    command.addAll(args);
    Process process = Processes.start(command, List.of(), env, absoluteLog.getParent(), absoluteLog);
    log.info("started {} as pid {}, log {}", mainClass, process.pid(), absoluteLog);
    return new ChildJvm(mainClass, process, absoluteLog);
  }

  /**
   * This JVM's classpath as a child needs it: manifest {@code Class-Path} entries expanded (surefire's booter
   * jar, IDEs), application class loader URLs included (Maven's {@code exec:java}).
   */
  public static String currentClasspath() {
    return Classpath.current();
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path logFile() {
    return logFile;
  }

  /** Waits for the child to exit on its own; fails (leaving it running) when it does not within timeout. */
  public int waitFor(Duration timeout) {
    if (!Processes.waitForExit(process.toHandle(), timeout)) {
      throw new IllegalStateException(mainClass + " (pid " + pid() + ") still runs after " + timeout
          + "; log " + logFile + ":\n" + Processes.tail(logFile, 30));
    }
    return afterExit();
  }

  /** SIGKILL, as a crash would: no shutdown hooks run in the child. Returns once it is gone. */
  public int kill() {
    Processes.killTree(process.toHandle());
    log.info("killed {} (pid {})", mainClass, pid());
    return afterExit();
  }

  /** SIGTERM, so the child's shutdown hooks run; SIGKILL if it has not exited within 20 s. */
  public int stop() {
    Processes.stopTree(process.toHandle(), STOP_GRACE);
    log.info("stopped {} (pid {}), exit code {}", mainClass, pid(), exitValue());
    return afterExit();
  }

  @Override
  public void close() {
    stop();
  }

  private int afterExit() {
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shutdownInProgress) {
      // The hook is already running or done; nothing to remove.
    }
    return exitValue();
  }

  private int exitValue() {
    try {
      // The handle has seen the exit; the Process reaper may record the status a moment later.
      return process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + mainClass, e);
    }
  }

  private void stopQuietly() {
    if (process.isAlive()) {
      Processes.stopTree(process.toHandle(), STOP_GRACE);
    }
  }
}
