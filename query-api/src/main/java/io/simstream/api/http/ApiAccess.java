package io.simstream.api.http;

import io.simstream.config.Settings;
import io.simstream.config.SimstreamConfig;
import java.util.HashSet;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Who may call what: the bearer token (empty: none), whether {@code /metrics} needs it, and whether metrics are
 * served on the API's port or on their own ({@code api.metrics-port}, e.g. a port only the cluster reaches).
 */
public record ApiAccess(String bearerToken, boolean metricsAuth, OptionalInt metricsPort) {
  public static final String METRICS_PATH = "/metrics";

  public static ApiAccess from(SimstreamConfig config) {
    return new ApiAccess(config.get(Settings.API_TOKEN), config.get(Settings.API_METRICS_AUTH),
        config.get(Settings.API_METRICS_PORT));
  }

  /** A token (or none) with the default metrics: open, on the API's port. */
  public static ApiAccess token(String bearerToken) {
    return new ApiAccess(bearerToken, false, OptionalInt.empty());
  }

  public boolean metricsOnApiPort() {
    return metricsPort.isEmpty();
  }

  /** Paths served without the token. */
  public Set<String> openPaths() {
    Set<String> open = new HashSet<>(BearerTokenAuth.PROBE_PATHS);
    if (!metricsAuth) {
      open.add(METRICS_PATH);
    }
    return open;
  }
}
