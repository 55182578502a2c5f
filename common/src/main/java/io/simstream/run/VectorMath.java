package io.simstream.run;

import java.util.List;

/** Small vector helpers shared by the indexer, the query API and tests. */
public final class VectorMath {
  private VectorMath() {
  }

  public static double dot(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += (double) a[i] * b[i];
    }
    return sum;
  }

  public static double norm(float[] a) {
    return Math.sqrt(dot(a, a));
  }

  public static double squaredDistance(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      double d = (double) a[i] - b[i];
      sum += d * d;
    }
    return sum;
  }

  /** A unit-length copy; a zero vector cannot be normalised. */
  public static float[] normalized(float[] a) {
    double norm = norm(a);
    if (norm == 0) {
      throw new IllegalArgumentException("a zero vector cannot be normalised");
    }
    float[] out = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = (float) (a[i] / norm);
    }
    return out;
  }

  /** The element-wise mean, how several query ids or vectors become one query. */
  public static float[] mean(List<float[]> vectors) {
    float[] out = new float[vectors.get(0).length];
    for (float[] v : vectors) {
      for (int i = 0; i < out.length; i++) {
        out[i] += v[i];
      }
    }
    for (int i = 0; i < out.length; i++) {
      out[i] /= vectors.size();
    }
    return out;
  }

  public static float[] negated(float[] a) {
    float[] out = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = -a[i];
    }
    return out;
  }
}
