package io.simstream.api.health;

import io.javalin.http.Context;
import io.simstream.api.elasticsearch.VectorIndexAdmin;
import io.simstream.api.error.ApiException;
import io.simstream.api.error.BackendUnavailableException;
import io.simstream.api.http.JsonIO;
import io.simstream.api.run.RunService;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;

/**
 * Liveness (/health: the process answers) and readiness (/ready: every shard of the runs' existing
 * indexes answers a search, and the runs and datasets views are caught up with their topics). Indexes no
 * run uses do not count, so a red index elsewhere in the cluster leaves the API in service. /ready
 * answers 503 with the failing checks while not ready. The checks run at once, so /ready answers within
 * one check's timeout, inside a probe's few seconds, even when every backend is slow.
 */
public final class HealthHandlers {
  private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(2);
  /** Threads for the checks of concurrent /ready calls; idle ones go after a minute. */
  private static final ExecutorService CHECKS = Executors.newCachedThreadPool(task -> {
    Thread thread = new Thread(task, "ready-check");
    thread.setDaemon(true);
    return thread;
  });

  /** A view's wait until it has read its topic to the end. */
  @FunctionalInterface
  public interface CaughtUpCheck {
    void await(Duration timeout) throws TimeoutException;
  }

  private final RunService runs;
  private final Map<String, CaughtUpCheck> views;

  public HealthHandlers(RunService runs, Map<String, CaughtUpCheck> views) {
    this.runs = runs;
    this.views = views;
  }

  public void health(Context ctx) {
    JsonIO.write(ctx, 200, Map.of("status", "up"));
  }

  /** One check's outcome: what /ready says of it, and whether it passed. */
  private record Outcome(String description, boolean passed) {
  }

  public void ready(Context ctx) {
    Map<String, CompletableFuture<Outcome>> started = new LinkedHashMap<>();
    started.put("elasticsearch", CompletableFuture.supplyAsync(this::elasticsearch, CHECKS));
    views.forEach((name, view) -> started.put(name, CompletableFuture.supplyAsync(() -> caughtUp(view), CHECKS)));
    Map<String, String> checks = new LinkedHashMap<>();
    boolean ready = true;
    for (Map.Entry<String, CompletableFuture<Outcome>> check : started.entrySet()) {
      Outcome outcome = check.getValue().join();
      checks.put(check.getKey(), outcome.description());
      ready &= outcome.passed();
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

  private Outcome elasticsearch() {
    try {
      VectorIndexAdmin.Searchability indexes = runs.indexesSearchable(CHECK_TIMEOUT);
      return new Outcome(indexes.description(), indexes.searchable());
    } catch (ApiException e) {
      return new Outcome(e.getMessage(), false);
    }
  }

  private static Outcome caughtUp(CaughtUpCheck view) {
    try {
      view.await(CHECK_TIMEOUT);
      return new Outcome("caught-up", true);
    } catch (TimeoutException | RuntimeException e) {
      return new Outcome("not caught up: " + e.getMessage(), false);
    }
  }
}
