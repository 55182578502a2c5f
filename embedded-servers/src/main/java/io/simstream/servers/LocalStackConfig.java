package io.simstream.servers;

import io.simstream.config.Settings;
import io.simstream.config.SimstreamConfig;
import java.nio.file.Path;
import java.util.Map;

/**
 * The configuration of an indexer and a query API started in this JVM on the {@link LocalServers}: their
 * addresses, the given state directory, and port 0 (a free port) for the indexer's admin port and the API, so
 * tests never collide on a port. Defaults for the rest; the environment is not read.
 */
public final class LocalStackConfig {

  private LocalStackConfig() {
  }

  public static SimstreamConfig withStateDir(Path stateDir) {
    return SimstreamConfig.load(Map.of()).with(Map.of(
        Settings.KAFKA_BOOTSTRAP_SERVERS, LocalServers.kafka().bootstrapServers(),
        Settings.ES_HOSTS, LocalServers.elasticsearch().httpUrl(),
        Settings.INDEXER_STATE_DIR, stateDir.toString(),
        Settings.INDEXER_ADMIN_PORT, "0",
        Settings.API_PORT, "0"));
  }
}
