package io.simstream.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks {@link Settings#KAFKA_BOOTSTRAP_SERVERS}: comma-separated {@code host:port} entries, as the Kafka clients
 * require them. Only the syntax is checked: a name that does not resolve yet (a broker still starting) is the
 * clients' to retry, not a configuration error.
 */
final class KafkaBootstrapServers {
  // An optional listener prefix (SASL_SSL://) is accepted because the Kafka clients accept it.
  private static final Pattern ENTRY =
      Pattern.compile("(?:[A-Za-z][A-Za-z0-9_]*://)?(\\[[0-9A-Fa-f:.%]+]|[A-Za-z0-9._-]+):(\\d{1,5})");

  private KafkaBootstrapServers() {
  }

  /** The value with blanks around entries removed, or {@link Setting.Rejected} naming the bad entry. */
  static String parse(String raw) {
    List<String> entries = new ArrayList<>();
    for (String entry : raw.split(",")) {
      String trimmed = entry.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      Matcher m = ENTRY.matcher(trimmed);
      if (!m.matches()) {
        throw new Setting.Rejected("'" + trimmed + "' is not host:port");
      }
      int port = Integer.parseInt(m.group(2));
      if (port < 1 || port > 65_535) {
        throw new Setting.Rejected("'" + trimmed + "' has port " + port + ", not in [1, 65535]");
      }
      entries.add(trimmed);
    }
    if (entries.isEmpty()) {
      throw new Setting.Rejected("no host:port given");
    }
    return String.join(",", entries);
  }
}
