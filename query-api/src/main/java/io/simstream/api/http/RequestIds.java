package io.simstream.api.http;

import io.simstream.api.error.BadRequestException;
import io.simstream.event.DocumentIds;
import java.util.List;

/**
 * Ids in request bodies must be possible Elasticsearch document ids (the indexer refuses the same
 * ones in events): a blank id, an unpaired surrogate (no UTF-8 form to send) or an id over 512
 * bytes would otherwise reach Elasticsearch and fail there.
 */
public final class RequestIds {
  private RequestIds() {
  }

  public static void requireValid(String field, String id) {
    if (id != null) {
      DocumentIds.problem(field, id).ifPresent(problem -> {
        throw new BadRequestException(problem.message());
      });
    }
  }

  public static void requireValid(String field, List<String> ids) {
    for (int i = 0; ids != null && i < ids.size(); i++) {
      requireValid(field + "[" + i + "]", ids.get(i));
    }
  }
}
