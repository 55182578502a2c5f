package io.simstream.api;

import io.simstream.run.Metric;
import io.simstream.run.VectorMath;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;

/** Clustered test vectors and the exact neighbours of a query, computed by brute force. */
final class VectorData {
  static final int DIMS = 16;

  private VectorData() {
  }

  /** {@code count} vectors around 20 random centres; unit length when the metric requires it. */
  static List<EsLoader.Doc> clustered(String idPrefix, int count, Metric metric, long seed) {
    Random random = new Random(seed);
    float[][] centres = new float[20][DIMS];
    for (float[] centre : centres) {
      for (int d = 0; d < DIMS; d++) {
        centre[d] = (float) (random.nextGaussian() * 2);
      }
    }
    List<EsLoader.Doc> docs = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      float[] centre = centres[random.nextInt(centres.length)];
      float[] v = new float[DIMS];
      for (int d = 0; d < DIMS; d++) {
        v[d] = centre[d] + (float) (random.nextGaussian() * 0.5);
      }
      String id = idPrefix + i;
      docs.add(new EsLoader.Doc(id, id, null, metric.normalizesVectors() ? VectorMath.normalized(v) : v));
    }
    return docs;
  }

  static float[] randomQuery(Random random) {
    float[] v = new float[DIMS];
    for (int d = 0; d < DIMS; d++) {
      v[d] = (float) (random.nextGaussian() * 2);
    }
    return v;
  }

  /** A document and its exact distance to a query. */
  record Scored(EsLoader.Doc doc, double distance) {
  }

  /** The exact k most similar (least similar when reversed) documents passing {@code keep}. */
  static List<Scored> exact(List<EsLoader.Doc> docs, Metric metric, float[] query, int k, boolean reverse,
                            Predicate<EsLoader.Doc> keep) {
    float[] q = metric.normalizesVectors() ? VectorMath.normalized(query) : query;
    Comparator<Scored> mostSimilarFirst = Comparator.comparingDouble(Scored::distance);
    if (!metric.smallerIsCloser()) {
      mostSimilarFirst = mostSimilarFirst.reversed();
    }
    return docs.stream().filter(keep).map(doc -> new Scored(doc, metric.distance(q, doc.vector())))
        .sorted(reverse ? mostSimilarFirst.reversed() : mostSimilarFirst).limit(k).toList();
  }

  static double recall(List<String> got, List<Scored> expected) {
    Set<String> expectedIds = new java.util.HashSet<>();
    expected.forEach(s -> expectedIds.add(s.doc().id()));
    return got.stream().filter(expectedIds::contains).count() / (double) expected.size();
  }
}
