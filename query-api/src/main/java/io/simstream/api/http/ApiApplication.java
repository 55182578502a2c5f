package io.simstream.api.http;

import io.javalin.Javalin;
import io.simstream.api.dataset.DatasetHandlers;
import io.simstream.api.embeddings.EmbeddingsHandlers;
import io.simstream.api.health.HealthHandlers;
import io.simstream.api.run.RunHandlers;
import io.simstream.api.sample.SampleHandlers;
import io.simstream.api.search.SearchHandlers;
import io.simstream.api.ui.UiHandlers;
import java.util.List;

/**
 * The HTTP application over services built elsewhere: routes, request limits, authentication and
 * every error in the JSON shape, Jetty's own included. Not started: {@code QueryApi} starts it
 * over the real backends, tests over in-memory registries.
 */
public final class ApiApplication {
  /** Restrictions to 100,000+ ids and batches of query vectors exceed Javalin's 1 MB default. */
  public static final long MAX_REQUEST_BYTES = 64L * 1024 * 1024;

  private ApiApplication() {
  }

  /** Who may call what: see {@link ApiAccess} (a {@code MetricsServer} serves metrics on their own port). */
  public static Javalin create(ApiAccess access, RequestMetrics metrics, DatasetHandlers datasets, RunHandlers runs,
                               SearchHandlers search, EmbeddingsHandlers embeddings, HealthHandlers health,
                               SampleHandlers samples, UiHandlers ui) {
    return Javalin.create(javalin -> {
      javalin.startup.showJavalinBanner = false;
      javalin.http.maxRequestSize = MAX_REQUEST_BYTES;
      javalin.jetty.modifyServer(server -> server.setErrorHandler(new JettyErrorResponses()));
      javalin.requestLogger.http(metrics::record);
      javalin.routes.before(ServerTiming::start);
      javalin.routes.before(new RequestUriCheck());
      if (!access.bearerToken().isEmpty()) {
        javalin.routes.before(new BearerTokenAuth(access.bearerToken(), access.openPaths()));
      }
      ErrorResponses.register(javalin.routes);
      ApiRoutes.register(javalin.routes, datasets, runs, search, embeddings, health, samples, ui, access, metrics);
      javalin.routes.after(ServerTiming::write);
    });
  }

  /** "METHOD /path" of every registered route, as Javalin holds them. */
  public static List<String> registeredRoutes(Javalin app) {
    return app.unsafe.internalRouter.allHttpHandlers().stream()
        .map(parsed -> parsed.endpoint.method.name() + " " + parsed.endpoint.path)
        .filter(route -> !route.startsWith("BEFORE") && !route.startsWith("AFTER"))
        .toList();
  }
}
