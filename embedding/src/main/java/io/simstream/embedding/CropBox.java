package io.simstream.embedding;

import java.awt.Rectangle;

/**
 * Relative box {@code [x, y, width, height]} in [0, 1], top-left origin, as FiftyOne stores detection
 * bounding boxes; used to embed object patches.
 */
public record CropBox(double x, double y, double width, double height) {

  private static final double TOLERANCE = 1e-6;
  /** In pixels: far above double rounding errors, far below a part of a pixel worth keeping. */
  private static final double EDGE_SLACK = 1e-3;

  public CropBox {
    if (!(x >= 0 && y >= 0 && width > 0 && height > 0
        && x + width <= 1 + TOLERANCE && y + height <= 1 + TOLERANCE)) {
      throw new IllegalArgumentException("crop box must lie within [0, 1] with positive size: "
          + x + ", " + y + ", " + width + ", " + height);
    }
  }

  /**
   * Pixel rectangle covering the box in an image of the given size; at least one pixel. An edge
   * within {@link #EDGE_SLACK} of a pixel boundary counts as on it, so that rounding errors in the
   * box (0.1 + 0.2 is 0.30000000000000004) do not add or drop a whole row or column.
   */
  public Rectangle toPixels(int imageWidth, int imageHeight) {
    int left = Math.min((int) Math.floor(x * imageWidth + EDGE_SLACK), imageWidth - 1);
    int top = Math.min((int) Math.floor(y * imageHeight + EDGE_SLACK), imageHeight - 1);
    int right = Math.max(left + 1, Math.min(imageWidth, (int) Math.ceil((x + width) * imageWidth - EDGE_SLACK)));
    int bottom = Math.max(top + 1, Math.min(imageHeight, (int) Math.ceil((y + height) * imageHeight - EDGE_SLACK)));
    return new Rectangle(left, top, right - left, bottom - top);
  }
}
