package io.simstream.embedding;

import java.awt.Rectangle;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;

/** Turns a decoded image (optionally a crop of it) into the NCHW float tensor a model expects. */
final class ImagePreprocessor {

  private final PreprocessingSpec spec;

  ImagePreprocessor(PreprocessingSpec spec) {
    this.spec = spec;
  }

  PreprocessingSpec spec() {
    return spec;
  }

  /** Writes {@code 3 x size x size} values (planar R, G, B) into {@code target} at {@code offset}. */
  void write(BufferedImage image, CropBox crop, float[] target, int offset) {
    Rectangle region = crop == null
        ? new Rectangle(0, 0, image.getWidth(), image.getHeight())
        : crop.toPixels(image.getWidth(), image.getHeight());
    int[] rgb = rgbPixels(image, region);
    int size = spec.size();
    float[][] planes;
    if (spec.resize() == PreprocessingSpec.Resize.STRETCH_BILINEAR_ALIGN_CORNERS) {
      planes = AlignCornersBilinear.resize(rgb, region.width, region.height, size, size);
    } else {
      // Shortest edge to size (longer edge truncated like transformers' get_resize_output_image_size), then centre crop.
      // Long: a very narrow region scales its long edge beyond an int; only the crop is ever computed.
      int shortEdge = Math.min(region.width, region.height);
      int longEdge = Math.max(region.width, region.height);
      long scaledLong = Math.max(size, (long) size * longEdge / shortEdge);
      long outWidth = region.width <= region.height ? size : scaledLong;
      long outHeight = region.width <= region.height ? scaledLong : size;
      planes = AntialiasedBicubic.resize(rgb, region.width, region.height, outWidth, outHeight,
          (outWidth - size) / 2, (outHeight - size) / 2, size, size);
    }
    for (int channel = 0; channel < 3; channel++) {
      float mean = spec.mean()[channel];
      float std = spec.std()[channel];
      float[] plane = planes[channel];
      int base = offset + channel * size * size;
      for (int y = 0; y < size; y++) {
        for (int x = 0; x < size; x++) {
          float value = plane[y * size + x] / 255f;
          target[base + y * size + x] = (value - mean) / std;
        }
      }
    }
  }

  /**
   * Packed 0xRRGGBB pixels of the region, alpha ignored (as TF.js fromPixels and Pillow's convert("RGB")).
   * Common sRGB layouts are read straight from the raster, several times faster than getRGB's
   * per-pixel colour-model calls; grey images too, because getRGB would gamma-convert Java's
   * linear grey space. Anything else goes through getRGB.
   */
  static int[] rgbPixels(BufferedImage image, Rectangle region) {
    Raster raster = image.getRaster();
    ColorModel colorModel = image.getColorModel();
    int count = region.width * region.height;
    if (colorModel.getColorSpace().getType() == ColorSpace.TYPE_GRAY && raster.getNumBands() <= 2) {
      int[] grey = raster.getSamples(region.x, region.y, region.width, region.height, 0, new int[count]);
      int max = (1 << raster.getSampleModel().getSampleSize(0)) - 1;
      for (int i = 0; i < count; i++) {
        int v = max == 255 ? grey[i] : Math.round(grey[i] * 255f / max);
        grey[i] = v << 16 | v << 8 | v;
      }
      return grey;
    }
    if (image.getType() == BufferedImage.TYPE_INT_RGB || image.getType() == BufferedImage.TYPE_INT_ARGB) {
      return withoutAlpha((int[]) raster.getDataElements(region.x, region.y, region.width, region.height, null));
    }
    if (colorModel instanceof ComponentColorModel && colorModel.getColorSpace().isCS_sRGB()
        && raster.getTransferType() == DataBuffer.TYPE_BYTE && !colorModel.isAlphaPremultiplied()) {
      int bands = raster.getNumBands(); // samples come in colour-model order: R, G, B (, A)
      // Row by row: the samples of a whole large image as ints would take 4 x bands bytes a pixel.
      int[] samples = new int[region.width * bands];
      int[] packed = new int[count];
      for (int row = 0, i = 0; row < region.height; row++) {
        raster.getPixels(region.x, region.y + row, region.width, 1, samples);
        for (int s = 0; s < samples.length; s += bands) {
          packed[i++] = samples[s] << 16 | samples[s + 1] << 8 | samples[s + 2];
        }
      }
      return packed;
    }
    return withoutAlpha(image.getRGB(region.x, region.y, region.width, region.height, null, 0, region.width));
  }

  private static int[] withoutAlpha(int[] argb) {
    for (int i = 0; i < argb.length; i++) {
      argb[i] &= 0xFFFFFF;
    }
    return argb;
  }
}
