package io.simstream.demo.tools;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Image;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Builds the demo's image set from Debian's {@code openclipart-png} (public domain): an evenly
 * spaced pick of each chosen folder, flattened onto white (the model drops alpha, and transparent
 * pixels would read as black) and shrunk to at most {@value #SIZE} px as JPEG. Run once when the set
 * changes, not at build time; see the set's SOURCE.md. Dependency-free, so the source launcher runs it:
 * {@code java demo/src/test/java/io/simstream/demo/tools/ClipArtImageSet.java PNG_ROOT OUT_DIR}.
 */
public final class ClipArtImageSet {
  private static final int SIZE = 128;
  private static final int PER_FOLDER = 36;
  /** Package folder, then the demo's folder name (the first part of each sample id). */
  private static final String[][] FOLDERS = {
      {"food/fruit", "fruit"}, {"food/desserts", "desserts"}, {"animals/mammals", "mammals"},
      {"animals/birds", "birds"}, {"animals/bugs", "bugs"}, {"transportation/vehicles", "vehicles"},
      {"signs_and_symbols/flags/africa", "flags"}, {"recreation/games/cards/simple", "cards"},
      {"plants/flowers", "flowers"}};

  private ClipArtImageSet() {
  }

  public static void main(String[] args) throws IOException {
    Path pngRoot = Path.of(args[0]);
    Path out = Path.of(args[1]);
    List<String> origins = new ArrayList<>();
    for (String[] folder : FOLDERS) {
      List<Path> files;
      try (Stream<Path> listing = Files.list(pngRoot.resolve(folder[0]))) {
        files = listing.filter(p -> p.toString().endsWith(".png")).sorted().toList();
      }
      int count = Math.min(PER_FOLDER, files.size());
      Files.createDirectories(out.resolve(folder[1]));
      for (int i = 0; i < count; i++) {
        Path source = files.get(i * files.size() / count);
        String name = source.getFileName().toString().replaceFirst("\\.png$", ".jpg");
        BufferedImage image = ImageIO.read(source.toFile());
        if (image == null) {
          continue;
        }
        writeJpeg(shrunkOnWhite(image), out.resolve(folder[1]).resolve(name));
        origins.add(folder[1] + "/" + name + " <- " + folder[0] + "/" + source.getFileName());
      }
    }
    Files.write(out.resolve("ORIGINS.txt"), origins);
    System.out.println(origins.size() + " images written to " + out);
  }

  private static BufferedImage shrunkOnWhite(BufferedImage image) {
    double scale = Math.min(1.0, (double) SIZE / Math.max(image.getWidth(), image.getHeight()));
    int width = Math.max(1, (int) Math.round(image.getWidth() * scale));
    int height = Math.max(1, (int) Math.round(image.getHeight() * scale));
    BufferedImage result = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = result.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    // Area averaging keeps thin clip-art outlines that a single bilinear step would drop.
    g.drawImage(image.getScaledInstance(width, height, Image.SCALE_AREA_AVERAGING), 0, 0, null);
    g.dispose();
    return result;
  }

  private static void writeJpeg(BufferedImage image, Path target) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(0.85f);
    try (OutputStream file = Files.newOutputStream(target); ImageOutputStream stream = ImageIO.createImageOutputStream(file)) {
      writer.setOutput(stream);
      writer.write(null, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
  }
}
