package io.simstream.api.http;

import io.javalin.config.RoutesConfig;

/** {@code GET /metrics}, on the API's port or on the metrics server's own. */
final class MetricsRoute {
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private MetricsRoute() {
  }

  static void register(RoutesConfig routes, RequestMetrics metrics) {
    routes.get(ApiAccess.METRICS_PATH, ctx -> ctx.contentType(PROMETHEUS_TEXT).result(metrics.scrape()));
  }
}
