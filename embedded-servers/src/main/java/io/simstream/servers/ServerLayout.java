package io.simstream.servers;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;

/**
 * Where the build put the server distributions (recorded in {@code simstream-servers.properties}), each
 * setting overridable by a system property {@code simstream.<key>} or an environment variable
 * {@code SIMSTREAM_<KEY>} (e.g. {@code simstream.es.version} / {@code SIMSTREAM_ES_VERSION}).
 */
final class ServerLayout {

  private static final String RESOURCE = "/simstream-servers.properties";
  private static final Properties RECORDED = load();

  private ServerLayout() {
  }

  /** The Elasticsearch version to run when none is asked for. */
  static String esVersion() {
    return setting("es.version");
  }

  /** The unpacked integ-test-zip distribution of {@code version}. */
  static Path esHome(String version) {
    Path home = Path.of(setting("es.dist.dir")).resolve("elasticsearch-" + version);
    if (!Files.isDirectory(home.resolve("bin"))) {
      throw new IllegalStateException("Elasticsearch " + version + " is not unpacked at " + home
          + ": build it with `mvn -pl embedded-servers install -Des.version=" + version + "`"
          + " or point SIMSTREAM_ES_DIST_DIR at a folder holding elasticsearch-" + version + "/");
    }
    return home;
  }

  /** The folder with kafka_2.13 and its runtime dependencies. */
  static Path kafkaBrokerLib() {
    Path lib = Path.of(setting("kafka.broker.lib.dir"));
    if (!Files.isDirectory(lib)) {
      throw new IllegalStateException("no Kafka broker classpath at " + lib
          + ": build it with `mvn -pl embedded-servers install` or set SIMSTREAM_KAFKA_BROKER_LIB_DIR");
    }
    return lib;
  }

  /** A setting from the system property, else the environment, else the build; null when none has it. */
  static String optional(String key) {
    String value = System.getProperty("simstream." + key);
    if (value == null || value.isBlank()) {
      value = System.getenv("SIMSTREAM_" + key.toUpperCase(Locale.ROOT).replace('.', '_'));
    }
    if (value == null || value.isBlank()) {
      value = RECORDED.getProperty(key);
    }
    return value == null || value.isBlank() ? null : value.trim();
  }

  private static String setting(String key) {
    String value = optional(key);
    if (value == null) {
      throw new IllegalStateException("no " + key + " in " + RESOURCE + ", system property simstream." + key
          + " or its environment variable");
    }
    return value;
  }

  private static Properties load() {
    Properties properties = new Properties();
    try (InputStream in = ServerLayout.class.getResourceAsStream(RESOURCE)) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
    return properties;
  }
}
