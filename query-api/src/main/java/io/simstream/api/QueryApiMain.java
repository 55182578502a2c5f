package io.simstream.api;

import io.simstream.config.ApiAccessChecks;
import io.simstream.config.SimstreamConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Command-line entry point: configuration from the environment (and SIMSTREAM_CONFIG_FILE). */
public final class QueryApiMain {
  private static final Logger LOG = LoggerFactory.getLogger(QueryApiMain.class);
  private static final int EXIT_START_FAILED = 1;

  private QueryApiMain() {
  }

  public static void main(String[] args) {
    SimstreamConfig config = SimstreamConfig.fromEnvironmentOrExit();
    ApiAccessChecks.requireOrExit(config);
    QueryApi api;
    try {
      api = QueryApi.start(config);
    } catch (RuntimeException e) {
      // start() has closed what it opened; exiting explicitly still ends a process whose libraries left a thread.
      LOG.error("The query API failed to start: {}", e.getMessage(), e);
      System.exit(EXIT_START_FAILED);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(api::close, "query-api-shutdown"));
  }
}
