package io.simstream.indexer;

/**
 * The exit status of a service process. A stop on SIGTERM is a success: the shutdown hook closes the
 * service and halts with 0, replacing the JVM's 143. An unrecoverable error sets its status before
 * {@code System.exit} runs that same hook, which would otherwise turn the failure into a 0.
 */
final class ProcessExit {
  static final int FAILED = 1;

  private volatile int status;

  private ProcessExit() {
  }

  /** Closes {@code service} when the JVM shuts down, then halts with the status set so far (0 unless failed). */
  static ProcessExit closingOnShutdown(AutoCloseable service) {
    ProcessExit exit = new ProcessExit();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        service.close();
      } catch (Exception e) {
        System.err.println("Closing failed: " + e);
      }
      Runtime.getRuntime().halt(exit.status);
    }, "shutdown-close"));
    return exit;
  }

  /** Ends the process with {@link #FAILED}, after the shutdown hook has closed the service. */
  void fail() {
    status = FAILED;
    System.exit(FAILED);
  }
}
