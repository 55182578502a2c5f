package io.simstream.api.run;

import io.javalin.http.Context;
import io.simstream.api.error.BadRequestException;
import io.simstream.api.http.JsonIO;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** HTTP side of run management; shapes are documented in docs/api.md and openapi.json. */
public final class RunHandlers {
  private final RunService service;

  public RunHandlers(RunService service) {
    this.service = service;
  }

  /** Request body of a rename. */
  public record RenameRequest(String brainKey) {
  }

  /** 201 with the run; {@code indexCreated} false means it connected to an existing index. */
  public void create(Context ctx) {
    RunService.Creation creation = service.create(ctx.pathParam("dataset"), JsonIO.read(ctx, CreateRunRequest.class));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("run", RunView.of(creation.run()));
    body.put("indexCreated", creation.indexCreated());
    JsonIO.write(ctx, 201, body);
  }

  public void list(Context ctx) {
    Boolean supportsPrompts = optionalBoolean(ctx, "supportsPrompts");
    JsonIO.write(ctx, 200, Map.of("runs", service.list(ctx.queryParam("dataset"), ctx.queryParam("patchesField"),
        supportsPrompts).stream().map(RunView::of).toList()));
  }

  public void info(Context ctx) {
    JsonIO.write(ctx, 200, service.info(ctx.pathParam("dataset"), ctx.pathParam("brainKey")));
  }

  public void rename(Context ctx) {
    RenameRequest request = JsonIO.read(ctx, RenameRequest.class);
    JsonIO.write(ctx, 200, RunView.of(service.rename(ctx.pathParam("dataset"), ctx.pathParam("brainKey"),
        request.brainKey())));
  }

  /** {@code ?cleanup=true} deletes the index too, and answers as a cleanup does. */
  public void delete(Context ctx) {
    if (Boolean.TRUE.equals(optionalBoolean(ctx, "cleanup"))) {
      write(ctx, service.deleteWithIndex(ctx.pathParam("dataset"), ctx.pathParam("brainKey")));
      return;
    }
    service.delete(ctx.pathParam("dataset"), ctx.pathParam("brainKey"));
    ctx.status(204);
  }

  public void cleanup(Context ctx) {
    write(ctx, service.cleanup(ctx.pathParam("dataset"), ctx.pathParam("brainKey")));
  }

  private static void write(Context ctx, RunService.Cleanup cleanup) {
    JsonIO.write(ctx, 200, Map.of("indexName", cleanup.indexName(), "deleted", cleanup.deleted()));
  }

  public void size(Context ctx) {
    Optional<Long> size = service.size(ctx.pathParam("dataset"), ctx.pathParam("brainKey"));
    JsonIO.write(ctx, 200, Map.of("size", size.orElse(0L), "indexExists", size.isPresent()));
  }

  private static Boolean optionalBoolean(Context ctx, String name) {
    String value = ctx.queryParam(name);
    if (value == null) {
      return null;
    }
    return switch (value) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new BadRequestException("query parameter " + name + " must be true or false, got '" + value
          + "'");
    };
  }
}
