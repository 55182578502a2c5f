package io.simstream.api;

import io.simstream.config.Setting;
import io.simstream.config.Settings;
import io.simstream.config.SimstreamConfig;
import io.simstream.servers.LocalServers;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The real Kafka broker and Elasticsearch node of the tests: the per-JVM local servers, or
 * already-running ones named by the system properties {@code simstream.test.kafka} and
 * {@code simstream.test.es} (quicker when iterating by hand).
 */
final class TestBackends {
  private TestBackends() {
  }

  static String kafka() {
    String external = System.getProperty("simstream.test.kafka");
    return external != null ? external : LocalServers.kafka().bootstrapServers();
  }

  static String elasticsearch() {
    String external = System.getProperty("simstream.test.es");
    return external != null ? external : LocalServers.elasticsearch().httpUrl();
  }

  /** A configuration on the test servers with topics of its own, so runs from other JVMs never show. */
  static SimstreamConfig config(Map<Setting<?>, String> overrides) {
    if (System.getProperty("simstream.test.kafka") == null || System.getProperty("simstream.test.es") == null) {
      LocalServers.startAll(); // both at once rather than one after the other
    }
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    Map<Setting<?>, String> settings = new HashMap<>();
    settings.put(Settings.KAFKA_BOOTSTRAP_SERVERS, kafka());
    settings.put(Settings.ES_HOSTS, elasticsearch());
    settings.put(Settings.API_PORT, "0");
    settings.put(Settings.TOPIC_RUNS, "test-runs-" + suffix);
    settings.put(Settings.TOPIC_DATASETS, "test-datasets-" + suffix);
    settings.put(Settings.TOPIC_CHANGES, "test-changes-" + suffix);
    settings.put(Settings.TOPIC_DEAD_LETTERS, "test-dead-letters-" + suffix);
    settings.put(Settings.TOPIC_PARTITIONS, "1");
    settings.putAll(overrides);
    return SimstreamConfig.load(Map.of()).with(settings);
  }
}
