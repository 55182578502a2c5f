package io.simstream.embedding;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/** Test images: real photos shipped under src/test/resources/images and seeded Java2D scenes. */
final class TestImages {

  /** Public-domain / CC0 photos from scikit-image's sample data (see images/README.md). */
  static final List<String> PHOTOS = List.of("astronaut-256.png", "chelsea.png", "coffee.png", "rocket.jpg");

  private TestImages() {}

  /** Copies a bundled photo into {@code directory} and returns its path. */
  static Path photo(String name, Path directory) {
    Path target = directory.resolve(name);
    try (InputStream in = TestImages.class.getResourceAsStream("/images/" + name)) {
      if (!Files.exists(target)) {
        Files.copy(in, target);
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A scene that differs per seed: a landscape (sky, sun, hills), a tiled mosaic, concentric rings
   * or textured stripes, each with a few random objects and noise texture, so images carry
   * natural-ish structure rather than flat colour.
   */
  static BufferedImage scene(long seed, int width, int height) {
    Random random = new Random(seed);
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    switch ((int) (seed % 4)) {
      case 0 -> mosaic(g, random, width, height);
      case 1 -> landscape(g, random, width, height);
      case 2 -> rings(g, random, width, height);
      default -> stripes(g, random, width, height);
    }
    for (int i = 0; i < 6; i++) {
      g.setColor(randomColor(random));
      g.setStroke(new BasicStroke(2 + random.nextInt(6)));
      int x = random.nextInt(width);
      int y = height / 2 + random.nextInt(height / 2);
      int size = height / 12 + random.nextInt(height / 6);
      if (random.nextBoolean()) {
        g.fillRect(x, y - size, size / 2, size);
      } else {
        g.drawOval(x, y - size, size, size);
      }
    }
    g.dispose();
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int rgb = image.getRGB(x, y);
        int noise = (int) (random.nextGaussian() * 8);
        image.setRGB(x, y, clamp((rgb >> 16 & 0xFF) + noise) << 16 | clamp((rgb >> 8 & 0xFF) + noise) << 8
            | clamp((rgb & 0xFF) + noise));
      }
    }
    return image;
  }

  private static void landscape(Graphics2D g, Random random, int width, int height) {
    g.setPaint(new GradientPaint(0, 0, randomColor(random), 0, height * 0.6f, randomColor(random)));
    g.fillRect(0, 0, width, height);
    g.setColor(randomColor(random).brighter());
    double sun = height * (0.1 + random.nextDouble() * 0.15);
    g.fill(new Ellipse2D.Double(random.nextDouble() * width, random.nextDouble() * height * 0.3, sun, sun));
    for (int layer = 0; layer < 3; layer++) {
      Polygon hill = new Polygon();
      hill.addPoint(0, height);
      for (int x = 0; x <= width; x += width / 8) {
        hill.addPoint(x, (int) (height * (0.45 + 0.15 * layer + random.nextDouble() * 0.2)));
      }
      hill.addPoint(width, height);
      g.setColor(randomColor(random).darker());
      g.fill(hill);
    }
  }

  private static void mosaic(Graphics2D g, Random random, int width, int height) {
    int tile = 8 + random.nextInt(32);
    for (int y = 0; y < height; y += tile) {
      for (int x = 0; x < width; x += tile) {
        g.setColor(randomColor(random));
        g.fillRect(x, y, tile, tile);
      }
    }
  }

  private static void rings(Graphics2D g, Random random, int width, int height) {
    double cx = random.nextDouble() * width;
    double cy = random.nextDouble() * height;
    for (int r = Math.max(width, height) * 2; r > 0; r -= 6 + random.nextInt(20)) {
      g.setColor(randomColor(random));
      g.fill(new Ellipse2D.Double(cx - r / 2.0, cy - r / 2.0, r, r));
    }
  }

  private static void stripes(Graphics2D g, Random random, int width, int height) {
    g.rotate(random.nextDouble() * Math.PI, width / 2.0, height / 2.0);
    Color a = randomColor(random);
    Color b = randomColor(random);
    int stripe = 4 + random.nextInt(24);
    for (int x = -width; x < 2 * width; x += stripe) {
      g.setColor((x / stripe) % 2 == 0 ? a : b);
      g.fillRect(x, -height, stripe, 3 * height);
    }
    g.setTransform(new AffineTransform());
  }

  /** The middle {@code fraction} of the image, as a new image. */
  static BufferedImage centreCrop(BufferedImage image, double fraction) {
    int w = (int) Math.round(image.getWidth() * fraction);
    int h = (int) Math.round(image.getHeight() * fraction);
    BufferedImage copy = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = copy.createGraphics();
    g.drawImage(image.getSubimage((image.getWidth() - w) / 2, (image.getHeight() - h) / 2, w, h), 0, 0, null);
    g.dispose();
    return copy;
  }

  static BufferedImage solid(Color color, int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(color);
    g.fillRect(0, 0, width, height);
    g.dispose();
    return image;
  }

  static Path write(BufferedImage image, String format, Path file) {
    try {
      if (!ImageIO.write(image, format, file.toFile())) {
        throw new IllegalArgumentException("no ImageIO writer for " + format);
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static BufferedImage read(Path file) {
    try {
      return ImageIO.read(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Color randomColor(Random random) {
    return new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256));
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }
}
