package io.simstream.api.embeddings;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Answer of get-embeddings. {@code missingIds}: requested ids with no vector (id queries only).
 * {@code nextPageToken}: present while more pages remain (full-index paging only).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EmbeddingsPage(List<Embedding> embeddings, List<String> missingIds, String nextPageToken) {
}
