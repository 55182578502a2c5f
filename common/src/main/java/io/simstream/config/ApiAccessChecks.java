package io.simstream.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/** Checks across the query API's port and token settings. */
final class ApiAccessChecks {
  private ApiAccessChecks() {
  }

  static List<String> problems(Map<Setting<?>, Object> values) {
    List<String> problems = new ArrayList<>();
    if (Boolean.TRUE.equals(values.get(Settings.API_METRICS_AUTH)) && "".equals(values.get(Settings.API_TOKEN))) {
      problems.add(Settings.API_METRICS_AUTH.envName() + " is true but " + Settings.API_TOKEN.envName()
          + " is empty: there is no token to require");
    }
    Object metricsPort = values.get(Settings.API_METRICS_PORT);
    Object apiPort = values.get(Settings.API_PORT);
    if (metricsPort instanceof OptionalInt port && port.isPresent() && port.getAsInt() != 0
        && apiPort instanceof Integer api && api == port.getAsInt()) {
      problems.add(Settings.API_METRICS_PORT.envName() + " = " + api + " is also " + Settings.API_PORT.envName()
          + ": leave it empty to serve /metrics on the API port");
    }
    return problems;
  }
}
