package io.simstream.embedding;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.DeflaterOutputStream;

/**
 * Writes a large RGB PNG row by row, so a test can make an image of tens of megapixels (a few
 * hundred KB on disk, since a repeating pattern compresses well) without holding its raster.
 */
final class HugePng {

  private HugePng() {}

  static Path write(Path file, int width, int height) throws IOException {
    ByteArrayOutputStream header = new ByteArrayOutputStream();
    DataOutputStream ihdr = new DataOutputStream(header);
    ihdr.writeInt(width);
    ihdr.writeInt(height);
    ihdr.write(new byte[] {8, 2, 0, 0, 0}); // 8 bits, RGB, deflate, no filter method, no interlace
    ByteArrayOutputStream pixels = new ByteArrayOutputStream();
    try (DeflaterOutputStream deflate = new DeflaterOutputStream(pixels)) {
      byte[] row = new byte[1 + width * 3]; // filter byte 0, then R, G, B
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          row[1 + x * 3] = (byte) (x * 255 / width); // a gradient, so the decoded image is not blank
          row[2 + x * 3] = (byte) (y * 255 / height);
          row[3 + x * 3] = (byte) 128;
        }
        deflate.write(row);
      }
    }
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
      chunk(out, "IHDR", header.toByteArray());
      chunk(out, "IDAT", pixels.toByteArray());
      chunk(out, "IEND", new byte[0]);
    }
    return file;
  }

  private static void chunk(OutputStream out, String type, byte[] data) throws IOException {
    DataOutputStream chunk = new DataOutputStream(out);
    byte[] name = type.getBytes(StandardCharsets.US_ASCII);
    CRC32 crc = new CRC32();
    crc.update(name);
    crc.update(data);
    chunk.writeInt(data.length);
    chunk.write(name);
    chunk.write(data);
    chunk.writeInt((int) crc.getValue());
  }
}
