package io.simstream.api.http;

import io.javalin.Javalin;
import java.util.Set;

/**
 * {@code /metrics} alone on {@code api.metrics-port}, so that a network policy can open the API to clients and
 * metrics to Prometheus separately. The token applies here too when {@code api.metrics-auth} is set.
 */
public final class MetricsServer implements AutoCloseable {
  private final Javalin app;

  private MetricsServer(Javalin app) {
    this.app = app;
  }

  /** Starts on {@code access}'s metrics port (0: a free one); the caller checked that one is set. */
  public static MetricsServer start(ApiAccess access, RequestMetrics metrics) {
    Javalin app = Javalin.create(javalin -> {
      javalin.startup.showJavalinBanner = false;
      javalin.jetty.modifyServer(server -> server.setErrorHandler(new JettyErrorResponses()));
      if (access.metricsAuth()) {
        javalin.routes.before(new BearerTokenAuth(access.bearerToken(), Set.of()));
      }
      ErrorResponses.register(javalin.routes);
      MetricsRoute.register(javalin.routes, metrics);
    });
    try {
      app.start(access.metricsPort().orElseThrow());
    } catch (RuntimeException e) {
      app.stop();
      throw e;
    }
    return new MetricsServer(app);
  }

  public int port() {
    return app.port();
  }

  @Override
  public void close() {
    app.stop();
  }
}
