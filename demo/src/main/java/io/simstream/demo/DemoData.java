package io.simstream.demo;

import io.simstream.event.SampleAdded;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A small dataset whose structure a reader can check by eye: samples named after a theme, each
 * theme a cluster of vectors, so the nearest neighbours of {@code beach-0007} are other beaches.
 */
public final class DemoData {
  public static final List<String> THEMES =
      List.of("beach", "forest", "city", "snow", "desert", "night-sky", "kitchen", "harbor");

  private DemoData() {
  }

  public static String sampleId(String theme, int index) {
    return String.format("%s-%04d", theme, index);
  }

  /** perTheme samples of every theme, with precomputed vectors of the given size; seeded, so repeatable. */
  public static List<SampleAdded> samples(String dataset, int perTheme, int dims, long seed) {
    Random random = new Random(seed);
    List<SampleAdded> samples = new ArrayList<>(THEMES.size() * perTheme);
    for (String theme : THEMES) {
      float[] centre = gaussian(random, dims, 1.0);
      for (int i = 0; i < perTheme; i++) {
        float[] noise = gaussian(random, dims, 0.35);
        float[] vector = new float[dims];
        for (int d = 0; d < dims; d++) {
          vector[d] = centre[d] + noise[d];
        }
        samples.add(new SampleAdded(1, dataset, sampleId(theme, i), null,
            Map.of("default", vector), List.of(), Instant.now()));
      }
    }
    return samples;
  }

  private static float[] gaussian(Random random, int dims, double scale) {
    float[] v = new float[dims];
    for (int d = 0; d < dims; d++) {
      v[d] = (float) (random.nextGaussian() * scale);
    }
    return v;
  }
}
