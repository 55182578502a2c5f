package io.simstream.api.http;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.simstream.api.error.UnauthorizedException;
import io.simstream.api.ui.UiHandlers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;

/**
 * Optional bearer-token check on every route except the probes and metrics, which monitoring
 * systems scrape without credentials, and the results page's static files (its calls carry the token). Compares in constant time so the token cannot be guessed
 * byte by byte from response times.
 */
public final class BearerTokenAuth implements Handler {
  public static final Set<String> OPEN_PATHS = Set.of("/health", "/ready", "/metrics");
  private static final String PREFIX = "Bearer ";

  private final byte[] token;

  public BearerTokenAuth(String token) {
    this.token = token.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void handle(Context ctx) {
    if (OPEN_PATHS.contains(ctx.path()) || UiHandlers.isPagePath(ctx.path())) {
      return;
    }
    String header = ctx.header("Authorization");
    if (header == null || !header.startsWith(PREFIX)) {
      throw new UnauthorizedException("missing bearer token: send 'Authorization: Bearer <token>'");
    }
    byte[] given = header.substring(PREFIX.length()).trim().getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(given, token)) {
      throw new UnauthorizedException("wrong bearer token");
    }
  }
}
