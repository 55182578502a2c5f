package io.simstream.cli.source;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.simstream.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of what a sample is made of, the "changed?" test of {@code --sync}. */
public final class ContentHash {
  /** Map entries sorted, so equal states hash equally whatever the map's iteration order. */
  private static final ObjectWriter CANONICAL = Json.MAPPER.writer().with(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private ContentHash() {
  }

  /** Hash of a value's canonical JSON form. */
  public static String ofJson(Object state) {
    try {
      return hex(digest().digest(CANONICAL.writeValueAsBytes(state)));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
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
