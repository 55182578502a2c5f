package io.simstream.api.search;

import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.api.elasticsearch.IndexDocument;
import io.simstream.api.elasticsearch.IndexScanner;
import io.simstream.run.Metric;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The exact k best documents for a query, found by reading every vector (point in time +
 * search_after) and keeping a bounded heap of k. Used where approximate search cannot answer well:
 * the Euclidean farthest neighbours (no transform of the query turns "farthest in L2" into
 * "nearest"), and large k, where knn's num_candidates cap of 10,000 leaves no room to oversample.
 * Cost is linear in the index (or restricted subset) size; memory is the k best plus one page of documents
 * with their vectors, parsed whole (tens to hundreds of megabytes at 512 dims and more).
 */
final class ExactScan {
  /** One less than Elasticsearch's result window, so that a page plus the look-ahead document fits one request. */
  private static final int PAGE_SIZE = 9_999;

  private final IndexScanner scanner;

  ExactScan(IndexScanner scanner) {
    this.scanner = scanner;
  }

  /** The k most similar documents, or the k least similar when {@code leastSimilar}, best first. */
  List<SimilarityHit> top(String index, Metric metric, float[] query, int k, JsonNode filter, boolean leastSimilar) {
    Comparator<SimilarityHit> mostSimilarFirst = Comparator.comparingDouble(SimilarityHit::distance);
    if (!metric.smallerIsCloser()) {
      mostSimilarFirst = mostSimilarFirst.reversed();
    }
    Comparator<SimilarityHit> bestFirst = leastSimilar ? mostSimilarFirst.reversed() : mostSimilarFirst;
    // The heap's head is the worst of the k kept so far: the one a better document replaces.
    PriorityQueue<SimilarityHit> heap = new PriorityQueue<>(k + 1, bestFirst.reversed());
    scanner.scan(index, filter, PAGE_SIZE, (IndexDocument doc) -> {
      SimilarityHit hit = new SimilarityHit(doc.id(), doc.sampleId(), doc.labelId(),
          metric.distance(query, doc.vector()));
      if (heap.size() < k || bestFirst.compare(hit, heap.peek()) < 0) {
        heap.add(hit);
        if (heap.size() > k) {
          heap.poll();
        }
      }
    });
    List<SimilarityHit> hits = new ArrayList<>(heap);
    hits.sort(bestFirst);
    return hits;
  }
}
