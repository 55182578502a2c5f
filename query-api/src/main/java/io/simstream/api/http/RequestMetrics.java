package io.simstream.api.http;

import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;

/**
 * Request latency histograms by method, route template (never the raw path, which would make one
 * series per id) and status, exposed for Prometheus at /metrics.
 */
public final class RequestMetrics {
  private final PrometheusMeterRegistry registry;

  public RequestMetrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
  }

  public void record(Context ctx, float millis) {
    Timer.builder("simstream_api_requests")
        .description("Query API request latency")
        .tag("method", ctx.method().name())
        .tag("route", route(ctx))
        .tag("status", Integer.toString(ctx.statusCode()))
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(60))
        .register(registry)
        .record(Duration.ofNanos((long) (millis * 1_000_000)));
  }

  public String scrape() {
    return registry.scrape();
  }

  private static String route(Context ctx) {
    try {
      Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
      return endpoint == null ? "unmatched" : endpoint.path;
    } catch (RuntimeException e) {
      return "unmatched";
    }
  }
}
