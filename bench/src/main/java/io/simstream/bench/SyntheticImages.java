package io.simstream.bench;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/** Seeded 640x480 JPEG files (camera-sized, so decoding and resizing cost what they do on real photos). */
final class SyntheticImages {
  static final int WIDTH = 640;
  static final int HEIGHT = 480;

  private SyntheticImages() {
  }

  static List<Path> write(Path dir, int count) throws IOException {
    Files.createDirectories(dir);
    List<Path> files = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Path file = dir.resolve("image-" + i + ".jpg");
      if (!ImageIO.write(scene(i), "jpg", file.toFile())) {
        throw new IOException("no JPEG writer");
      }
      files.add(file);
    }
    return files;
  }

  private static BufferedImage scene(long seed) {
    Random random = new Random(seed);
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(new Color(random.nextInt(0xFFFFFF)));
    g.fillRect(0, 0, WIDTH, HEIGHT);
    for (int shape = 0; shape < 40; shape++) {
      g.setColor(new Color(random.nextInt(0xFFFFFF)));
      int x = random.nextInt(WIDTH);
      int y = random.nextInt(HEIGHT);
      int w = 20 + random.nextInt(200);
      int h = 20 + random.nextInt(200);
      if (random.nextBoolean()) {
        g.fillOval(x, y, w, h);
      } else {
        g.fillRect(x, y, w, h);
      }
    }
    g.dispose();
    return image;
  }
}
