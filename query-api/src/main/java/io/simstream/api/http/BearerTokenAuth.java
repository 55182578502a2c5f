package io.simstream.api.http;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.simstream.api.error.UnauthorizedException;
import io.simstream.api.ui.UiHandlers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Set;

/**
 * Optional bearer-token check on every route except the probes (and metrics unless {@code api.metrics-auth}),
 * which monitoring systems call without credentials, and the results page's static files (its calls carry the
 * token). Compares SHA-256 digests with {@link MessageDigest#isEqual}, so neither the token's bytes nor its length
 * can be learnt from response times.
 */
public final class BearerTokenAuth implements Handler {
  /** Liveness and readiness: open always, since probes carry no credentials. */
  public static final Set<String> PROBE_PATHS = Set.of("/health", "/ready");
  private static final String PREFIX = "Bearer ";

  private final byte[] tokenDigest;
  private final Set<String> openPaths;

  /** {@code openPaths}: paths served without the token. */
  public BearerTokenAuth(String token, Set<String> openPaths) {
    this.tokenDigest = sha256(token);
    this.openPaths = Set.copyOf(openPaths);
  }

  @Override
  public void handle(Context ctx) {
    // The router ignores one trailing slash, so a probe configured as /ready/ reaches the same handler.
    String path = ctx.path().length() > 1 && ctx.path().endsWith("/")
        ? ctx.path().substring(0, ctx.path().length() - 1) : ctx.path();
    if (openPaths.contains(path) || UiHandlers.isPagePath(path)) {
      return;
    }
    String header = ctx.header("Authorization");
    // The scheme's name is case-insensitive (RFC 9110): some clients send "bearer".
    if (header == null || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      throw new UnauthorizedException("missing bearer token: send 'Authorization: Bearer <token>'");
    }
    if (!MessageDigest.isEqual(sha256(header.substring(PREFIX.length()).trim()), tokenDigest)) {
      throw new UnauthorizedException("wrong bearer token");
    }
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
