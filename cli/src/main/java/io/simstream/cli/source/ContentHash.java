package io.simstream.cli.source;

import io.simstream.event.BoundingBox;
import io.simstream.event.Patch;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** SHA-256 of what a sample is made of, the "changed?" test of {@code --sync}. */
public final class ContentHash {
  private ContentHash() {
  }

  /**
   * Hash of a sample's state, fed as length-prefixed binary (vectors as their float bits), with
   * map entries in key order: equal states hash equally whatever the maps' iteration order, and no
   * vector is turned into text again (that cost as much as reading the manifest).
   */
  public static String ofState(String imageUri, Map<String, float[]> embeddings, List<Patch> patches) {
    Feed feed = new Feed();
    feed.text(imageUri);
    feed.vectors(embeddings);
    feed.number(patches.size());
    for (Patch patch : patches) {
      feed.text(patch.labelId());
      feed.text(patch.field());
      feed.text(patch.label());
      BoundingBox box = patch.boundingBox();
      feed.number(box == null ? 0 : 1);
      if (box != null) {
        feed.real(box.x());
        feed.real(box.y());
        feed.real(box.width());
        feed.real(box.height());
      }
      feed.vectors(patch.embeddings());
    }
    return hex(feed.digest.digest());
  }

  /** Writes values unambiguously into a digest: every variable-length value is preceded by its length. */
  private static final class Feed {
    private final MessageDigest digest = digest();
    private final ByteBuffer scratch = ByteBuffer.allocate(8);

    void text(String value) {
      if (value == null) {
        number(-1);
        return;
      }
      byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
      number(bytes.length);
      digest.update(bytes);
    }

    void number(long value) {
      digest.update(scratch.clear().putLong(value).array(), 0, 8);
    }

    void real(double value) {
      number(Double.doubleToLongBits(value));
    }

    void vectors(Map<String, float[]> vectors) {
      number(vectors.size());
      for (String key : new TreeSet<>(vectors.keySet())) {
        text(key);
        float[] vector = vectors.get(key);
        number(vector.length);
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES);
        bytes.asFloatBuffer().put(vector);
        digest.update(bytes.array());
      }
    }
  }

  /** Hash of a file's bytes and the URI it is sent under: a new image or a new location both count as a change. */
  public static String ofFile(Path file, String imageUri) throws IOException {
    MessageDigest digest = digest();
    digest.update(imageUri.getBytes(StandardCharsets.UTF_8));
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
        digest.update(buffer, 0, n);
      }
    }
    return hex(digest.digest());
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
