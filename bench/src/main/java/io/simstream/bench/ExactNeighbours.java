package io.simstream.bench;

import io.simstream.run.Metric;
import io.simstream.run.VectorMath;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Brute-force neighbours under a metric, the truth that recall is measured against. The vectors
 * are taken as stored in the index (already unit length for dotproduct).
 */
final class ExactNeighbours {
  private final Metric metric;
  private final List<String> ids;
  private final List<float[]> vectors;
  private final double[] norms;

  ExactNeighbours(Metric metric, List<String> ids, List<float[]> vectors) {
    this.metric = metric;
    this.ids = ids;
    this.vectors = vectors;
    this.norms = vectors.stream().mapToDouble(VectorMath::norm).toArray();
  }

  /** Ids of the k most similar vectors, most similar first. */
  List<String> top(float[] query, int k) {
    return top(query, k, false, null);
  }

  /**
   * Ids of the k most similar vectors (the k least similar when {@code leastSimilar}), best first,
   * among the positions in {@code among} (null: all).
   */
  List<String> top(float[] query, int k, boolean leastSimilar, int[] among) {
    record Scored(int index, double similarity) {
    }
    double sign = leastSimilar ? -1 : 1;
    // The head is the worst of the k kept so far.
    PriorityQueue<Scored> best = new PriorityQueue<>(k + 1, (a, b) -> Double.compare(a.similarity, b.similarity));
    int count = among == null ? vectors.size() : among.length;
    for (int n = 0; n < count; n++) {
      int i = among == null ? n : among[n];
      double similarity = sign * similarity(query, i);
      if (best.size() < k || similarity > best.peek().similarity) {
        best.add(new Scored(i, similarity));
        if (best.size() > k) {
          best.poll();
        }
      }
    }
    List<String> result = new ArrayList<>(k);
    while (!best.isEmpty()) {
      result.add(0, ids.get(best.poll().index));
    }
    return result;
  }

  /** The share of the exact neighbours that were found. */
  static double recall(List<String> found, List<String> exact) {
    Set<String> truth = new HashSet<>(exact);
    return found.stream().filter(truth::contains).count() / (double) exact.size();
  }

  /** Larger is more similar, for every metric. */
  private double similarity(float[] q, int i) {
    float[] x = vectors.get(i);
    return switch (metric) {
      case COSINE -> VectorMath.dot(q, x) / norms[i];
      case DOTPRODUCT, INNERPRODUCT -> VectorMath.dot(q, x);
      case EUCLIDEAN -> -VectorMath.squaredDistance(q, x);
    };
  }
}
