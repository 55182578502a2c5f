package io.simstream.api.sample;

import io.simstream.embedding.EmbeddingFailure;
import io.simstream.embedding.ImageHeaderCheck;
import io.simstream.embedding.ImageLoadException;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;

/**
 * Turns image bytes into a small PNG (images with transparency) or JPEG. The size is read from the
 * header first: an image over the pixel limit is refused, and a large one is decoded subsampled, so
 * a thumbnail never costs the heap of the full raster.
 */
public final class ThumbnailRenderer {
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
    return ImageHeaderCheck.decode(bytes, maxPixels, (reader, width, height) -> {
      // Keep at least twice the thumbnail's resolution, so the final resize still smooths.
      int step = Math.max(1, Math.max(width, height) / (2 * maxSide));
      ImageReadParam param = reader.getDefaultReadParam();
      param.setSourceSubsampling(step, step, 0, 0);
      return reader.read(0, param);
    });
  }
}
