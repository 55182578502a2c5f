package io.simstream.api;

import io.simstream.config.SimstreamConfig;
import java.util.Map;

/** One query API per test JVM (no token), started on first use; test classes use their own datasets. */
final class SharedApi {
  private static SimstreamConfig config;
  private static QueryApi api;
  private static ApiClient client;

  private SharedApi() {
  }

  static synchronized QueryApi api() {
    if (api == null) {
      config = TestBackends.config(Map.of());
      api = QueryApi.start(config);
      Runtime.getRuntime().addShutdownHook(new Thread(api::close));
    }
    return api;
  }

  /** The shared API's configuration, for a second API on the same topics. */
  static synchronized SimstreamConfig config() {
    api();
    return config;
  }

  static synchronized ApiClient client() {
    if (client == null) {
      client = new ApiClient("http://127.0.0.1:" + api().port(), null);
    }
    return client;
  }
}
