package io.simstream.bench;

import io.simstream.run.VectorMath;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;

/** Brute-force cosine neighbours, the truth that recall is measured against. */
final class ExactNeighbours {
  private final List<String> ids;
  private final List<float[]> unitVectors;

  ExactNeighbours(List<String> ids, List<float[]> vectors) {
    this.ids = ids;
    this.unitVectors = vectors.stream().map(VectorMath::normalized).toList();
  }

  /** Ids of the k most cosine-similar vectors, most similar first. */
  List<String> top(float[] query, int k) {
    float[] q = VectorMath.normalized(query);
    PriorityQueue<Integer> best = new PriorityQueue<>(Comparator.comparingDouble(i -> similarity(q, i)));
    for (int i = 0; i < unitVectors.size(); i++) {
      best.add(i);
      if (best.size() > k) {
        best.poll();
      }
    }
    List<String> result = new ArrayList<>(k);
    while (!best.isEmpty()) {
      result.add(0, ids.get(best.poll()));
    }
    return result;
  }

  /** The share of the exact neighbours that were found. */
  static double recall(List<String> found, List<String> exact) {
    Set<String> truth = new HashSet<>(exact);
    return found.stream().filter(truth::contains).count() / (double) exact.size();
  }

  private double similarity(float[] q, int i) {
    return VectorMath.dot(q, unitVectors.get(i));
  }
}
