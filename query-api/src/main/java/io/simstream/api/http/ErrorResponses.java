package io.simstream.api.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.simstream.api.error.ApiException;
import io.simstream.api.error.BackendUnavailableException;
import io.simstream.api.error.UnauthorizedException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become HTTP answers: always {@code {"error": "...", "status": N}},
 * never a stack trace. Unexpected exceptions are logged here and answered with a bare 500.
 */
public final class ErrorResponses {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

  private ErrorResponses() {
  }

  public static void register(RoutesConfig routes) {
    routes.exception(ApiException.class, (e, ctx) -> {
      if (e instanceof BackendUnavailableException unavailable) {
        if (unavailable.reason() == BackendUnavailableException.Reason.CREDENTIALS_REJECTED
            || unavailable.reason() == BackendUnavailableException.Reason.CERTIFICATE_REJECTED) {
          LOG.error("{} {}: {}", ctx.method(), ctx.path(), e.getMessage());
        } else {
          LOG.warn("{} {}: {}", ctx.method(), ctx.path(), e.getMessage());
        }
        ctx.header("Retry-After", Integer.toString(BackendUnavailableException.RETRY_AFTER_SECONDS));
      } else if (e instanceof UnauthorizedException) {
        ctx.header("WWW-Authenticate", "Bearer");
      } else if (e.status() >= 500) {
        LOG.error("{} {}: {}", ctx.method(), ctx.path(), e.getMessage());
      }
      write(ctx, e.status(), e.getMessage());
    });
    // Javalin's own answers: 404 for no route, 405 for a route with other methods, 413 for a large body.
    routes.exception(HttpResponseException.class, (e, ctx) -> write(ctx, e.getStatus(), e.getMessage()));
    routes.exception(Exception.class, (e, ctx) -> {
      LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
      write(ctx, 500, "internal error");
    });
  }

  static void write(Context ctx, int status, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", message);
    body.put("status", status);
    JsonIO.write(ctx, status, body);
  }
}
