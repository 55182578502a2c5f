package io.simstream.indexer;

import io.simstream.config.SimstreamConfig;
import java.time.Duration;

/** Runs one indexer instance configured from the environment until it is stopped (SIGTERM) or fails. */
public final class IndexerMain {
  /**
   * The classes a start loads, for a class-data sharing archive (docs/indexer.md "Start-up time"): a JVM
   * that maps them from the archive restarts seconds sooner on two cores than one that loads them.
   */
  public static final String CLASS_LIST_RESOURCE = "/cds/indexer.classlist";

  private IndexerMain() {
  }

  public static void main(String[] args) throws InterruptedException {
    SimstreamConfig config = SimstreamConfig.fromEnvironmentOrExit();
    Indexer indexer;
    try {
      indexer = Indexer.start(config);
    } catch (RuntimeException e) {
      System.err.println("The indexer could not start: " + e.getMessage());
      System.exit(ProcessExit.FAILED);
      return;
    }
    ProcessExit exit = ProcessExit.closingOnShutdown(indexer);
    boolean failed = indexer.awaitStop(Duration.ofDays(365_000));
    if (failed) {
      System.err.println("The indexer stopped after an unrecoverable error; see the log.");
      exit.fail();
    }
  }
}
