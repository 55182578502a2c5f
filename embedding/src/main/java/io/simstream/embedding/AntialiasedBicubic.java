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
   * Pixels {@code [left, left + windowWidth) x [top, top + windowHeight)} of the image resized to
   * {@code outWidth x outHeight}. Only the window is computed, from only the input rows it reads, so
   * the centre crop of a very long resize (a 1 x 20,000 image to a 224 short edge) costs no more
   * than the crop; each pixel comes out as it would from resizing the whole image.
   *
   * @param rgb packed 0xRRGGBB pixels, row-major, {@code width x height}
   * @return three planes (R, G, B) of {@code windowWidth x windowHeight} values in [0, 255]
   */
  static float[][] resize(int[] rgb, int width, int height, long outWidth, long outHeight,
      long left, long top, int windowWidth, int windowHeight) {
    Kernel horizontal = Kernel.of(width, outWidth, left, windowWidth);
    Kernel vertical = Kernel.of(height, outHeight, top, windowHeight);
    // Kernel starts and ends grow with the output position, so these bound the rows the window reads.
    int firstRow = vertical.start[0];
    int endRow = vertical.start[windowHeight - 1] + vertical.count[windowHeight - 1];
    float[][] rows = new float[3][windowWidth * (endRow - firstRow)];
    for (int y = firstRow; y < endRow; y++) {
      for (int x = 0; x < windowWidth; x++) {
        double r = 0, g = 0, b = 0;
        int start = horizontal.start[x];
        for (int k = 0; k < horizontal.count[x]; k++) {
          int p = rgb[y * width + start + k];
          double w = horizontal.weights[x][k];
          r += w * (p >> 16 & 0xFF);
          g += w * (p >> 8 & 0xFF);
          b += w * (p & 0xFF);
        }
        int at = (y - firstRow) * windowWidth + x;
        rows[0][at] = clamp8(r);
        rows[1][at] = clamp8(g);
        rows[2][at] = clamp8(b);
      }
    }
    float[][] planes = new float[3][windowWidth * windowHeight];
    for (int channel = 0; channel < 3; channel++) {
      float[] in = rows[channel];
      float[] out = planes[channel];
      for (int y = 0; y < windowHeight; y++) {
        int start = vertical.start[y] - firstRow;
        for (int x = 0; x < windowWidth; x++) {
          double sum = 0;
          for (int k = 0; k < vertical.count[y]; k++) {
            sum += vertical.weights[y][k] * in[(start + k) * windowWidth + x];
          }
          out[y * windowWidth + x] = clamp8(sum);
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

  /**
   * Per output position {@code first + i}, {@code i < length}: first input index, tap count and
   * normalised weights (Pillow's precompute_coeffs).
   */
  private record Kernel(int[] start, int[] count, double[][] weights) {

    static Kernel of(int inSize, long outSize, long first, int length) {
      double scale = (double) inSize / outSize;
      double filterScale = Math.max(scale, 1.0);
      double support = SUPPORT * filterScale;
      int[] start = new int[length];
      int[] count = new int[length];
      double[][] weights = new double[length][];
      for (int i = 0; i < length; i++) {
        double center = (first + i + 0.5) * scale;
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
