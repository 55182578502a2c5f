package io.simstream.api;

import io.simstream.config.SimstreamConfig;

/** Command-line entry point: configuration from the environment (and SIMSTREAM_CONFIG_FILE). */
public final class QueryApiMain {
  private QueryApiMain() {
  }

  public static void main(String[] args) {
    SimstreamConfig config = SimstreamConfig.fromEnvironmentOrExit();
    QueryApi api = QueryApi.start(config);
    Runtime.getRuntime().addShutdownHook(new Thread(api::close, "query-api-shutdown"));
  }
}
