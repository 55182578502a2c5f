package io.simstream.embedding;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Opens an image with ImageIO and checks its header (a known format, a size within the pixel limit)
 * before any pixel is decoded; corrupt data, however ImageIO reports it, becomes an UNDECODABLE failure.
 */
public final class ImageHeaderCheck {
  static {
    ImageIO.setUseCache(false); // decode in memory rather than through temp files
  }

  /** Decodes what the header allows, given the reader (set to the image) and its size. */
  @FunctionalInterface
  public interface Decode<T> {
    T apply(ImageReader reader, int width, int height) throws IOException, ImageLoadException;
  }

  private ImageHeaderCheck() {
  }

  /** Runs {@code decode} on an image of at most {@code maxPixels} pixels; the reader is disposed afterwards. */
  public static <T> T decode(byte[] bytes, long maxPixels, Decode<T> decode) throws ImageLoadException {
    try (ImageInputStream input = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
      if (!readers.hasNext()) {
        throw new ImageLoadException(EmbeddingFailure.UNDECODABLE,
            "not a supported image format (JPEG, PNG, GIF, BMP, WBMP, TIFF)");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(input, true, true);
        int width = reader.getWidth(0);
        int height = reader.getHeight(0);
        if (width < 1 || height < 1) {
          throw new ImageLoadException(EmbeddingFailure.UNDECODABLE, "empty image");
        }
        if ((long) width * height > maxPixels) {
          throw new ImageLoadException(EmbeddingFailure.TOO_LARGE,
              width + "x" + height + " image exceeds " + maxPixels + " pixels");
        }
        return decode.apply(reader, width, height);
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      // ImageIO reports corrupt data as IIOException and sometimes as unchecked exceptions.
      throw new ImageLoadException(EmbeddingFailure.UNDECODABLE, "corrupt or unreadable image: " + e.getMessage());
    }
  }
}
