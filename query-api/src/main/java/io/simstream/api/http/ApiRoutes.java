package io.simstream.api.http;

import io.javalin.config.RoutesConfig;
import io.simstream.api.dataset.DatasetHandlers;
import io.simstream.api.embeddings.EmbeddingsHandlers;
import io.simstream.api.health.HealthHandlers;
import io.simstream.api.run.RunHandlers;
import io.simstream.api.sample.SampleHandlers;
import io.simstream.api.search.SearchHandlers;
import io.simstream.api.ui.UiHandlers;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Every route of the API in one table; openapi.json documents exactly these (a test checks it). */
public final class ApiRoutes {
  public static final String RUN = "/v1/datasets/{dataset}/similarity/{brainKey}";

  private ApiRoutes() {
  }

  public static void register(RoutesConfig routes, DatasetHandlers datasets, RunHandlers runs,
                              SearchHandlers search, EmbeddingsHandlers embeddings, HealthHandlers health,
                              SampleHandlers samples, UiHandlers ui, ApiAccess access, RequestMetrics metrics) {
    byte[] openApi = openApiDocument();
    routes.get("/health", health::health);
    routes.get("/ready", health::ready);
    if (access.metricsOnApiPort()) {
      MetricsRoute.register(routes, metrics);
    }
    routes.get("/v1/openapi.json", ctx -> ctx.contentType("application/json").result(openApi));

    routes.post("/v1/datasets", datasets::register);
    routes.get("/v1/datasets", datasets::list);

    routes.get("/v1/similarity", runs::list);
    routes.post("/v1/datasets/{dataset}/similarity", runs::create);
    routes.get(RUN, runs::info);
    routes.patch(RUN, runs::rename);
    routes.delete(RUN, runs::delete);
    routes.post(RUN + "/cleanup", runs::cleanup);
    routes.get(RUN + "/size", runs::size);
    routes.post(RUN + "/sort-by-similarity", search::sortBySimilarity);
    routes.post(RUN + "/embeddings", embeddings::get);
    routes.get(RUN + "/documents", samples::describe);
    routes.get(RUN + "/thumbnail", samples::thumbnail);

    routes.get(UiHandlers.PATH, ui::page);
    routes.get(UiHandlers.PATH + "/{asset}", ui::asset);
  }

  private static byte[] openApiDocument() {
    try (InputStream in = ApiRoutes.class.getResourceAsStream("/openapi.json")) {
      if (in == null) {
        throw new IllegalStateException("openapi.json is missing from the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
