package io.simstream.embedding;

/**
 * Bilinear resize with align_corners=true and no antialiasing, written after TF.js's CPU
 * {@code resizeBilinear}, which is what nsfwjs applies before its MobileNetV2.
 */
final class AlignCornersBilinear {

  private AlignCornersBilinear() {}

  /**
   * @param rgb packed 0xRRGGBB pixels, row-major, {@code width x height}
   * @return three planes (R, G, B) of {@code outWidth x outHeight} values in [0, 255]
   */
  static float[][] resize(int[] rgb, int width, int height, int outWidth, int outHeight) {
    float[][] planes = new float[3][outWidth * outHeight];
    double rowRatio = ratio(height, outHeight);
    double colRatio = ratio(width, outWidth);
    int[] colFloor = new int[outWidth];
    int[] colCeil = new int[outWidth];
    double[] colFrac = new double[outWidth];
    for (int c = 0; c < outWidth; c++) {
      double source = colRatio * c;
      colFloor[c] = (int) Math.floor(source);
      colCeil[c] = Math.min(width - 1, (int) Math.ceil(source));
      colFrac[c] = source - colFloor[c];
    }
    for (int r = 0; r < outHeight; r++) {
      double source = rowRatio * r;
      int top = (int) Math.floor(source);
      int bottom = Math.min(height - 1, (int) Math.ceil(source));
      double rowFrac = source - top;
      for (int c = 0; c < outWidth; c++) {
        int tl = rgb[top * width + colFloor[c]];
        int tr = rgb[top * width + colCeil[c]];
        int bl = rgb[bottom * width + colFloor[c]];
        int br = rgb[bottom * width + colCeil[c]];
        for (int channel = 0; channel < 3; channel++) {
          int shift = 16 - 8 * channel;
          double topValue = lerp(tl >> shift & 0xFF, tr >> shift & 0xFF, colFrac[c]);
          double bottomValue = lerp(bl >> shift & 0xFF, br >> shift & 0xFF, colFrac[c]);
          planes[channel][r * outWidth + c] = (float) lerp(topValue, bottomValue, rowFrac);
        }
      }
    }
    return planes;
  }

  private static double ratio(int in, int out) {
    return out > 1 ? (double) (in - 1) / (out - 1) : (double) in / out;
  }

  private static double lerp(double a, double b, double t) {
    return a + (b - a) * t;
  }
}
