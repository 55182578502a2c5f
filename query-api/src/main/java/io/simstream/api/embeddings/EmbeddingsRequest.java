package io.simstream.api.embeddings;

import com.fasterxml.jackson.annotation.JsonAlias;
import io.simstream.api.http.RequestIds;
import java.util.List;

/**
 * Body of {@code POST .../{brainKey}/embeddings}: {@code sampleIds} or {@code labelIds} (all
 * matches in one answer), or neither to page through every vector of the index with
 * {@code pageSize} (1..10,000, default 1,000) and the {@code pageToken} of the previous page, or
 * {@code singlePage} for the first page alone (no token, nothing held open in Elasticsearch).
 * The snake_case aliases are the names FiftyOne's Python code uses.
 */
public record EmbeddingsRequest(@JsonAlias("sample_ids") List<String> sampleIds,
                                @JsonAlias("label_ids") List<String> labelIds,
                                @JsonAlias("page_size") Integer pageSize,
                                @JsonAlias("page_token") String pageToken,
                                @JsonAlias("single_page") Boolean singlePage) {

  public EmbeddingsRequest {
    RequestIds.requireValid("sampleIds", sampleIds);
    RequestIds.requireValid("labelIds", labelIds);
  }

  public boolean onlyFirstPage() {
    return Boolean.TRUE.equals(singlePage);
  }
}
