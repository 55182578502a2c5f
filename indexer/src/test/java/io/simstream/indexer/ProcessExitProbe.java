package io.simstream.indexer;

/** Run in a child JVM by {@link ProcessExitTest}: "fail" fails at once, "wait" waits for SIGTERM. */
public final class ProcessExitProbe {
  private ProcessExitProbe() {
  }

  public static void main(String[] args) throws Exception {
    ProcessExit exit = ProcessExit.closingOnShutdown(() -> System.out.println("closed"));
    System.out.println("started");
    if (args[0].equals("fail")) {
      exit.fail();
    }
    Thread.sleep(Long.MAX_VALUE);
  }
}
