package io.simstream.config;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Checks across the query API's port and token settings, made by the query API as it starts rather
 * than by every service: a configuration shared by both (one ConfigMap) must not stop the indexer
 * over settings only the API reads.
 */
public final class ApiAccessChecks {
  private ApiAccessChecks() {
  }

  /** For a process that serves the API: prints the problems and exits with status 2, as an invalid configuration does. */
  public static void requireOrExit(SimstreamConfig config) {
    SimstreamConfig.orExit(() -> {
      require(config);
      return config;
    });
  }

  /** @throws ConfigException listing every problem */
  public static void require(SimstreamConfig config) {
    List<String> problems = new ArrayList<>();
    if (config.get(Settings.API_METRICS_AUTH) && config.get(Settings.API_TOKEN).isEmpty()) {
      problems.add(Settings.API_METRICS_AUTH.envName() + " is true but " + Settings.API_TOKEN.envName()
          + " is empty: there is no token to require");
    }
    OptionalInt metricsPort = config.get(Settings.API_METRICS_PORT);
    int apiPort = config.get(Settings.API_PORT);
    if (metricsPort.isPresent() && metricsPort.getAsInt() != 0 && apiPort == metricsPort.getAsInt()) {
      problems.add(Settings.API_METRICS_PORT.envName() + " = " + apiPort + " is also " + Settings.API_PORT.envName()
          + ": leave it empty to serve /metrics on the API port");
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
  }
}
