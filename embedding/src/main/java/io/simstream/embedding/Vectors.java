package io.simstream.embedding;

/** Small vector helpers shared by the embedders. */
public final class Vectors {

  private Vectors() {}

  /** Copies {@code length} values from {@code source} and scales them to unit length (zero stays zero). */
  public static float[] normalized(float[] source, int offset, int length) {
    double sum = 0;
    for (int i = 0; i < length; i++) {
      sum += (double) source[offset + i] * source[offset + i];
    }
    double scale = sum == 0 ? 0 : 1 / Math.sqrt(sum);
    float[] out = new float[length];
    for (int i = 0; i < length; i++) {
      out[i] = (float) (source[offset + i] * scale);
    }
    return out;
  }

  /** Dot product; the cosine similarity of two normalised vectors. */
  public static double dot(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("dimension mismatch: " + a.length + " vs " + b.length);
    }
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += (double) a[i] * b[i];
    }
    return sum;
  }
}
