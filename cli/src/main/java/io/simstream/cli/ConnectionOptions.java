package io.simstream.cli;

import io.simstream.cli.http.ApiClient;
import io.simstream.config.ConfigException;
import io.simstream.config.Setting;
import io.simstream.config.Settings;
import io.simstream.config.SimstreamConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * Where Kafka and the query API are. Defaults come from simstream's configuration (the same
 * {@code SIMSTREAM_*} variables and file the services read); options override them. They are
 * inherited, so {@code simstream runs list --api URL} and {@code simstream runs --api URL list} both work.
 */
public final class ConnectionOptions {
  @Option(names = "--kafka", scope = ScopeType.INHERIT, paramLabel = "HOST:PORT,...",
      description = "Kafka bootstrap servers (default: SIMSTREAM_KAFKA_BOOTSTRAP_SERVERS, else localhost:9092)")
  String kafka;

  @Option(names = "--api", scope = ScopeType.INHERIT, paramLabel = "URL",
      description = "Query API base URL (default: http://localhost:<SIMSTREAM_API_PORT, else 8080>)")
  String api;

  @Option(names = "--token", scope = ScopeType.INHERIT, paramLabel = "TOKEN",
      description = "Bearer token of the query API (default: SIMSTREAM_API_TOKEN)")
  String token;

  /** The configuration with the options applied; invalid settings throw with every problem listed. */
  public SimstreamConfig config() {
    Map<Setting<?>, String> overrides = new HashMap<>();
    if (kafka != null) {
      overrides.put(Settings.KAFKA_BOOTSTRAP_SERVERS, kafka);
    }
    if (token != null) {
      overrides.put(Settings.API_TOKEN, token);
    }
    return SimstreamConfig.fromEnvironment().with(overrides);
  }

  public ApiClient apiClient(SimstreamConfig config) {
    String url = api != null ? api : "http://localhost:" + config.get(Settings.API_PORT);
    if (!isHttpUrl(url)) {
      throw new ConfigException(List.of("--api '" + url + "' is not an http(s) URL, e.g. http://localhost:8080"));
    }
    return new ApiClient(url, config.get(Settings.API_TOKEN));
  }

  private static boolean isHttpUrl(String url) {
    try {
      URI uri = new URI(url);
      return ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
          && uri.getHost() != null;
    } catch (URISyntaxException e) {
      return false;
    }
  }
}
