package io.simstream.api.health;

import io.javalin.http.Context;
import io.simstream.api.elasticsearch.VectorIndexAdmin;
import io.simstream.api.error.ApiException;
import io.simstream.api.error.BackendUnavailableException;
import io.simstream.api.http.JsonIO;
import io.simstream.api.registry.CompactedTopicStore;
import io.simstream.api.run.RunService;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * Liveness (/health: the process answers) and readiness (/ready: every shard of the runs' existing
 * indexes answers a search, and the runs and datasets views are caught up with their topics). Indexes no
 * run uses do not count, so a red index elsewhere in the cluster leaves the API in service. /ready
 * answers 503 with the failing checks while not ready.
 */
public final class HealthHandlers {
  private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(2);

  private final RunService runs;
  private final Map<String, CompactedTopicStore<?>> views;

  public HealthHandlers(RunService runs, Map<String, CompactedTopicStore<?>> views) {
    this.runs = runs;
    this.views = views;
  }

  public void health(Context ctx) {
    JsonIO.write(ctx, 200, Map.of("status", "up"));
  }

  public void ready(Context ctx) {
    Map<String, String> checks = new LinkedHashMap<>();
    boolean ready = true;
    try {
      VectorIndexAdmin.Searchability indexes = runs.indexesSearchable(CHECK_TIMEOUT);
      checks.put("elasticsearch", indexes.description());
      ready = indexes.searchable();
    } catch (ApiException e) {
      checks.put("elasticsearch", e.getMessage());
      ready = false;
    }
    for (Map.Entry<String, CompactedTopicStore<?>> view : views.entrySet()) {
      try {
        view.getValue().awaitCaughtUp(CHECK_TIMEOUT);
        checks.put(view.getKey(), "caught-up");
      } catch (TimeoutException | RuntimeException e) {
        checks.put(view.getKey(), "not caught up: " + e.getMessage());
        ready = false;
      }
    }
    Map<String, Object> body = new LinkedHashMap<>();
    if (ready) {
      body.put("ready", true);
    } else {
      body.put("error", "not ready");
      body.put("status", 503);
      ctx.header("Retry-After", Integer.toString(BackendUnavailableException.RETRY_AFTER_SECONDS));
    }
    body.put("checks", checks);
    JsonIO.write(ctx, ready ? 200 : 503, body);
  }
}
