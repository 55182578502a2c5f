package io.simstream.api.search;

import io.javalin.http.Context;
import io.simstream.api.http.JsonIO;

/** HTTP side of POST .../{brainKey}/sort-by-similarity. */
public final class SearchHandlers {
  private final SimilaritySearchService service;

  public SearchHandlers(SimilaritySearchService service) {
    this.service = service;
  }

  public void sortBySimilarity(Context ctx) {
    SortBySimilarityRequest request = JsonIO.read(ctx, SortBySimilarityRequest.class);
    JsonIO.write(ctx, 200, service.sortBySimilarity(ctx.pathParam("dataset"), ctx.pathParam("brainKey"), request));
  }
}
