package io.simstream.api.sample;

import io.simstream.embedding.EmbeddingFailure;
import io.simstream.embedding.ImageLoadException;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Turns image bytes into a small PNG (images with transparency) or JPEG. The size is read from the
 * header first: an image over the pixel limit is refused, and a large one is decoded subsampled, so
 * a thumbnail never costs the heap of the full raster.
 */
public final class ThumbnailRenderer {
  static {
    ImageIO.setUseCache(false);
  }

  private final long maxPixels;

  public ThumbnailRenderer(long maxPixels) {
    this.maxPixels = maxPixels;
  }

  /** A thumbnail whose longer side is at most {@code maxSide} pixels (never enlarged). */
  public Thumbnail render(byte[] image, int maxSide) throws ImageLoadException {
    BufferedImage decoded = decode(image, maxSide);
    double scale = Math.min(1.0, (double) maxSide / Math.max(decoded.getWidth(), decoded.getHeight()));
    int width = Math.max(1, (int) Math.round(decoded.getWidth() * scale));
    int height = Math.max(1, (int) Math.round(decoded.getHeight() * scale));
    boolean alpha = decoded.getColorModel().hasAlpha();
    BufferedImage small = new BufferedImage(width, height, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
    Graphics2D g = small.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.drawImage(decoded, 0, 0, width, height, null);
    } finally {
      g.dispose();
    }
    String format = alpha ? "png" : "jpeg";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(small, format, out);
    } catch (IOException e) {
      throw new ImageLoadException(EmbeddingFailure.UNDECODABLE, "cannot encode the thumbnail: " + e.getMessage());
    }
    return new Thumbnail(out.toByteArray(), "image/" + format);
  }

  private BufferedImage decode(byte[] bytes, int maxSide) throws ImageLoadException {
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
        // Keep at least twice the thumbnail's resolution, so the final resize still smooths.
        int step = Math.max(1, Math.max(width, height) / (2 * maxSide));
        ImageReadParam param = reader.getDefaultReadParam();
        param.setSourceSubsampling(step, step, 0, 0);
        return reader.read(0, param);
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      throw new ImageLoadException(EmbeddingFailure.UNDECODABLE, "corrupt or unreadable image: " + e.getMessage());
    }
  }
}
