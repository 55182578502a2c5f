package io.simstream.api.embeddings;

import io.javalin.http.Context;
import io.simstream.api.http.JsonIO;

/** HTTP side of POST .../{brainKey}/embeddings; an empty body reads the first page of all vectors. */
public final class EmbeddingsHandlers {
  private final EmbeddingsService service;

  public EmbeddingsHandlers(EmbeddingsService service) {
    this.service = service;
  }

  public void get(Context ctx) {
    EmbeddingsRequest request = ctx.bodyAsBytes().length == 0
        ? new EmbeddingsRequest(null, null, null, null, null)
        : JsonIO.read(ctx, EmbeddingsRequest.class);
    JsonIO.write(ctx, 200, service.get(ctx.pathParam("dataset"), ctx.pathParam("brainKey"), request));
  }
}
