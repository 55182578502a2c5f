package io.simstream.embedding;

/**
 * Separable bicubic resize (a = -0.5) whose kernel widens when shrinking, as Pillow's
 * {@code Image.resize(..., BICUBIC)} does; Hugging Face's CLIP preprocessor resizes through Pillow.
 * Values are rounded to 0..255 after each pass, like Pillow's 8-bit intermediate image.
 */
final class AntialiasedBicubic {

  private static final double SUPPORT = 2.0;

  private AntialiasedBicubic() {}

  /**
   * @param rgb packed 0xRRGGBB pixels, row-major, {@code width x height}
   * @return three planes (R, G, B) of {@code outWidth x outHeight} values in [0, 255]
   */
  static float[][] resize(int[] rgb, int width, int height, int outWidth, int outHeight) {
    Kernel horizontal = Kernel.of(width, outWidth);
    Kernel vertical = Kernel.of(height, outHeight);
    float[][] rows = new float[3][outWidth * height];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < outWidth; x++) {
        double r = 0, g = 0, b = 0;
        int start = horizontal.start[x];
        for (int k = 0; k < horizontal.count[x]; k++) {
          int p = rgb[y * width + start + k];
          double w = horizontal.weights[x][k];
          r += w * (p >> 16 & 0xFF);
          g += w * (p >> 8 & 0xFF);
          b += w * (p & 0xFF);
        }
        rows[0][y * outWidth + x] = clamp8(r);
        rows[1][y * outWidth + x] = clamp8(g);
        rows[2][y * outWidth + x] = clamp8(b);
      }
    }
    float[][] planes = new float[3][outWidth * outHeight];
    for (int channel = 0; channel < 3; channel++) {
      float[] in = rows[channel];
      float[] out = planes[channel];
      for (int y = 0; y < outHeight; y++) {
        int start = vertical.start[y];
        for (int x = 0; x < outWidth; x++) {
          double sum = 0;
          for (int k = 0; k < vertical.count[y]; k++) {
            sum += vertical.weights[y][k] * in[(start + k) * outWidth + x];
          }
          out[y * outWidth + x] = clamp8(sum);
        }
      }
    }
    return planes;
  }

  private static float clamp8(double value) {
    return (float) Math.max(0, Math.min(255, Math.floor(value + 0.5)));
  }

  private static double bicubic(double x) {
    final double a = -0.5;
    x = Math.abs(x);
    if (x < 1) {
      return ((a + 2) * x - (a + 3)) * x * x + 1;
    }
    if (x < 2) {
      return (((x - 5) * x + 8) * x - 4) * a;
    }
    return 0;
  }

  /** Per output position: first input index, tap count and normalised weights (Pillow's precompute_coeffs). */
  private record Kernel(int[] start, int[] count, double[][] weights) {

    static Kernel of(int inSize, int outSize) {
      double scale = (double) inSize / outSize;
      double filterScale = Math.max(scale, 1.0);
      double support = SUPPORT * filterScale;
      int[] start = new int[outSize];
      int[] count = new int[outSize];
      double[][] weights = new double[outSize][];
      for (int i = 0; i < outSize; i++) {
        double center = (i + 0.5) * scale;
        int min = Math.max((int) (center - support + 0.5), 0);
        int max = Math.min((int) (center + support + 0.5), inSize);
        double[] w = new double[max - min];
        double total = 0;
        for (int k = 0; k < w.length; k++) {
          w[k] = bicubic((k + min - center + 0.5) / filterScale);
          total += w[k];
        }
        for (int k = 0; k < w.length; k++) {
          w[k] = total == 0 ? 0 : w[k] / total;
        }
        start[i] = min;
        count[i] = w.length;
        weights[i] = w;
      }
      return new Kernel(start, count, weights);
    }
  }
}
