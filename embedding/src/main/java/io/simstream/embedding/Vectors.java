package io.simstream.embedding;

/** Unit-length vectors out of a model's batched output (zero stays zero); other vector maths: VectorMath. */
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
}
