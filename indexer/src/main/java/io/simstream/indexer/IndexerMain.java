package io.simstream.indexer;

import io.simstream.config.SimstreamConfig;
import java.time.Duration;

/** Runs one indexer instance configured from the environment until it is stopped (SIGTERM) or fails. */
public final class IndexerMain {
  private static final int EXIT_FAILED = 1;

  private IndexerMain() {
  }

  public static void main(String[] args) throws InterruptedException {
    SimstreamConfig config = SimstreamConfig.fromEnvironmentOrExit();
    Indexer indexer = Indexer.start(config);
    Runtime.getRuntime().addShutdownHook(new Thread(indexer::close, "indexer-shutdown"));
    boolean failed = indexer.awaitStop(Duration.ofDays(365_000));
    if (failed) {
      System.err.println("The indexer stopped after an unrecoverable error; see the log.");
      System.exit(EXIT_FAILED);
    }
  }
}
