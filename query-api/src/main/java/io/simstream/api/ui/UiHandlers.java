package io.simstream.api.ui;

import io.javalin.http.Context;
import io.simstream.api.error.NotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Serves the results page ({@code /ui}): plain HTML, CSS and JavaScript from the classpath, no
 * build step. The page itself needs no token (it holds no data); it sends the user's token with
 * every API call it makes.
 */
public final class UiHandlers {
  public static final String PATH = "/ui";

  private static final Map<String, String> ASSETS = Map.of(
      "index.html", "text/html; charset=utf-8",
      "app.js", "text/javascript; charset=utf-8",
      "style.css", "text/css; charset=utf-8");

  private final Map<String, byte[]> contents;

  public UiHandlers() {
    this.contents = ASSETS.keySet().stream().collect(Collectors.toMap(name -> name, UiHandlers::read));
  }

  /** Whether a request path belongs to the page, which is served without the bearer token. */
  public static boolean isPagePath(String path) {
    return path.equals(PATH) || path.startsWith(PATH + "/");
  }

  public void page(Context ctx) {
    send(ctx, "index.html");
  }

  public void asset(Context ctx) {
    String name = ctx.pathParam("asset");
    if (!ASSETS.containsKey(name)) {
      throw new NotFoundException("no such asset of the results page: " + name);
    }
    send(ctx, name);
  }

  private void send(Context ctx, String name) {
    // no-cache: revalidated each load, so a new version of the page is never mixed with an old script.
    ctx.header("Cache-Control", "no-cache").contentType(ASSETS.get(name)).result(contents.get(name));
  }

  private static byte[] read(String name) {
    try (InputStream in = UiHandlers.class.getResourceAsStream("/ui/" + name)) {
      if (in == null) {
        throw new IllegalStateException("ui/" + name + " is missing from the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
