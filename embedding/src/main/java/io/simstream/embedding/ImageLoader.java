package io.simstream.embedding;

import io.simstream.embedding.fetch.ImageFetcher;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.SampleModel;
import java.io.IOException;
import java.net.URI;
import java.util.Iterator;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;

/**
 * Fetches image bytes with an {@link ImageFetcher} (its time and size limits), or takes them from
 * memory within the same size limit, then decodes them with ImageIO (JPEG, PNG, GIF, BMP, WBMP,
 * TIFF) within a memory budget: the size is read from the header first, so a small file cannot
 * expand into a raster the heap does not hold.
 */
final class ImageLoader {

  /**
   * Heap a decoded pixel costs on top of its raster until it is preprocessed: the packed RGB copy
   * (4) and the resize passes (at most about 4 for images larger than the model input).
   */
  static final int PREPROCESSING_BYTES_PER_PIXEL = 8;

  private final ImageFetcher fetcher;
  private final long maxPixels;
  private final DecodeBudget budget;

  ImageLoader(ImageFetcher fetcher, long maxPixels, DecodeBudget budget) {
    this.fetcher = fetcher;
    this.maxPixels = maxPixels;
    this.budget = budget;
  }

  /**
   * Decodes the bytes {@code input} holds, within the fetcher's byte limit like fetched ones, or else
   * fetches its URI; see {@link #load(URI, ImageUse)}.
   */
  <T> T load(ImageInput input, ImageUse<T> use) throws ImageLoadException {
    if (input.bytes() == null) {
      return load(input.uri(), use);
    }
    if (input.bytes().length > fetcher.maxBytes()) {
      throw new ImageLoadException(EmbeddingFailure.TOO_LARGE, "image has " + input.bytes().length + " bytes, limit "
          + fetcher.maxBytes());
    }
    return decode(input.bytes(), use);
  }

  /** Fetches and decodes the image at {@code uri}, then hands it to {@code use}; see {@link #decode}. */
  <T> T load(URI uri, ImageUse<T> use) throws ImageLoadException {
    return decode(fetcher.fetch(uri), use);
  }

  /**
   * Decodes the image and hands it to {@code use} while its decode memory is reserved. The size
   * comes from the header first: above {@code maxPixels} the image is refused, and an image whose
   * raster would not fit the decode budget is decoded subsampled (every n-th pixel in both
   * directions), which the models, reading 224 x 224 inputs, hardly notice.
   */
  <T> T decode(byte[] bytes, ImageUse<T> use) throws ImageLoadException {
    return ImageHeaderCheck.decode(bytes, maxPixels, (reader, width, height) -> {
      long bytesPerPixel = rasterBytesPerPixel(reader) + PREPROCESSING_BYTES_PER_PIXEL;
      int step = subsampling(width, height, Math.max(1, budget.bytes() / bytesPerPixel));
      long decodedPixels = (long) ceilDiv(width, step) * ceilDiv(height, step);
      ImageReadParam param = reader.getDefaultReadParam();
      param.setSourceSubsampling(step, step, 0, 0);
      try (DecodeBudget.Lease lease = budget.reserve(decodedPixels * bytesPerPixel, fetcher.timeout())) {
        return use.apply(reader.read(0, param));
      } catch (OutOfMemoryError e) {
        // Only a backstop: the estimate is meant to keep decodes within the heap.
        throw new ImageLoadException(EmbeddingFailure.TOO_LARGE, width + "x" + height
            + " image did not fit the heap when decoded" + (step > 1 ? " at 1/" + step : ""));
      }
    });
  }

  /** Bytes per pixel of the raster the reader will create; the most any ImageIO type uses when unknown. */
  private static long rasterBytesPerPixel(ImageReader reader) throws IOException {
    Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
    if (types == null || !types.hasNext()) {
      return 16; // four bands of 32-bit samples
    }
    SampleModel model = types.next().getSampleModel(1, 1);
    long elementBytes = Math.max(1, DataBuffer.getDataTypeSize(model.getDataType()) / 8);
    return Math.max(1, model.getNumDataElements()) * elementBytes;
  }

  /** The smallest step n such that keeping every n-th pixel leaves at most {@code maxPixels}. */
  static int subsampling(int width, int height, long maxPixels) {
    int step = (int) Math.max(1, Math.floor(Math.sqrt((double) width * height / maxPixels)));
    while ((long) ceilDiv(width, step) * ceilDiv(height, step) > maxPixels) {
      step++;
    }
    return step;
  }

  private static int ceilDiv(int value, int divisor) {
    return (value + divisor - 1) / divisor;
  }

  /** What the caller does with a decoded image while its memory is reserved. */
  @FunctionalInterface
  interface ImageUse<T> {
    T apply(BufferedImage image) throws ImageLoadException;
  }
}
