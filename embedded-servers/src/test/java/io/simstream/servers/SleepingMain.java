package io.simstream.servers;

/** A child JVM for ChildJvmTest: says it started, sleeps, and says so when it is stopped gracefully. */
public final class SleepingMain {

  static final String STARTED = "sleeping-main started";
  static final String STOPPED = "sleeping-main stopped gracefully";

  private SleepingMain() {
  }

  public static void main(String[] args) throws InterruptedException {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println(STOPPED)));
    System.out.println(STARTED + " with " + System.getenv("SLEEPING_MAIN_GREETING"));
    Thread.sleep(Long.MAX_VALUE);
  }
}
