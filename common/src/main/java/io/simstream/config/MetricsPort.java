package io.simstream.config;

import java.util.OptionalInt;

/** Parses {@link Settings#API_METRICS_PORT}: empty means metrics stay on the API's own port. */
final class MetricsPort {
  private static final int MAX_PORT = 65_535;

  private MetricsPort() {
  }

  static OptionalInt parse(String raw) {
    String text = raw.trim();
    if (text.isEmpty()) {
      return OptionalInt.empty();
    }
    int port;
    try {
      port = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new Setting.Rejected("not a port number");
    }
    if (port < 0 || port > MAX_PORT) {
      throw new Setting.Rejected("port " + port + " is not in [0, " + MAX_PORT + "]");
    }
    return OptionalInt.of(port);
  }
}
