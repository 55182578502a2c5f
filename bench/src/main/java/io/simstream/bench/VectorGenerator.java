package io.simstream.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Seeded synthetic vectors, so that every run measures the same data. */
final class VectorGenerator {
  private final Random random;
  private final int dims;

  VectorGenerator(long seed, int dims) {
    this.random = new Random(seed);
    this.dims = dims;
  }

  float[] gaussian(double scale) {
    float[] v = new float[dims];
    for (int d = 0; d < dims; d++) {
      v[d] = (float) (random.nextGaussian() * scale);
    }
    return v;
  }

  List<float[]> gaussian(int count) {
    List<float[]> vectors = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      vectors.add(gaussian(1.0));
    }
    return vectors;
  }

  /**
   * Points around random centres, like embeddings of a dataset with classes: uniform random vectors
   * are nearly equidistant in high dimensions, which would make recall meaningless.
   */
  static List<float[]> clustered(VectorGenerator generator, List<float[]> centres, int count, double spread) {
    List<float[]> vectors = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      vectors.add(near(generator, centres.get(generator.random.nextInt(centres.size())), spread));
    }
    return vectors;
  }

  static float[] near(VectorGenerator generator, float[] centre, double spread) {
    float[] noise = generator.gaussian(spread);
    for (int d = 0; d < noise.length; d++) {
      noise[d] += centre[d];
    }
    return noise;
  }
}
