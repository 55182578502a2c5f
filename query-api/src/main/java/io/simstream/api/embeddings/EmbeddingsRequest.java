package io.simstream.api.embeddings;

import java.util.List;

/**
 * Body of {@code POST .../{brainKey}/embeddings}: {@code sampleIds} or {@code labelIds} (all
 * matches in one answer), or neither to page through every vector of the index with
 * {@code pageSize} (1..10,000, default 1,000) and the {@code pageToken} of the previous page.
 */
public record EmbeddingsRequest(List<String> sampleIds, List<String> labelIds, Integer pageSize, String pageToken) {
}
