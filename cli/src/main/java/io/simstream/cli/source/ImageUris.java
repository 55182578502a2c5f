package io.simstream.cli.source;

import io.simstream.event.ImageLocation;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * The imageUri sent for an image file: its absolute {@code file:} URI, or, with a base such as
 * {@code https://images.example.com/cars/}, the base followed by the path relative to the root
 * (for images the indexer reads from elsewhere than the producer's disk).
 */
public final class ImageUris {
  /** Path characters RFC 3986 lets stand unescaped; every other byte of the UTF-8 name is %XX. */
  private static final String PATH_SAFE = "-._~!$&'()*+,;=:@/";

  private final Path root;
  private final String base;

  /** @throws BadInputException when the base is not a URI with a scheme, so every imageUri would be wrong */
  public ImageUris(Path root, String base) throws BadInputException {
    this.root = root.toAbsolutePath().normalize();
    this.base = base == null || base.isBlank() ? null : (base.endsWith("/") ? base : base + "/");
    if (this.base != null) {
      // Without a scheme the indexer would read each imageUri as a path relative to its own folder.
      if (!ImageLocation.hasScheme(this.base)) {
        throw new BadInputException("--uri-base '" + base + "' has no scheme: give a URL such as "
            + "https://images.example.com/cars/ or s3://bucket/cars/");
      }
      try {
        ImageLocation.toUri(this.base);
      } catch (IllegalArgumentException e) {
        throw new BadInputException("--uri-base '" + base + "' is not a URI (" + e.getMessage()
            + "): percent-encode spaces and other reserved characters", e);
      }
    }
  }

  public String of(Path file) {
    Path absolute = root.resolve(file).normalize();
    return base == null ? absolute.toUri().toString() : base + encodedPath(relativeId(root, absolute));
  }

  /**
   * The path's UTF-8 bytes as they go into a URI, '/' kept. Byte for byte, unlike
   * {@code URI.toASCIIString}, which NFC-normalises: a decomposed name (as macOS writes them) would
   * then name a file that does not exist.
   */
  private static String encodedPath(String path) {
    StringBuilder out = new StringBuilder(path.length() + 16);
    for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || PATH_SAFE.indexOf(c) >= 0) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }

  /**
   * The path a source names in {@code field} at {@code origin}; text that is no path (a NUL, say) is bad input
   * naming the field and why, not the text, which would print it.
   */
  static Path pathOf(String text, String origin, String field) throws BadInputException {
    try {
      return Path.of(text);
    } catch (InvalidPathException e) {
      throw new BadInputException(origin + ": " + field + " is not a path: " + e.getReason());
    }
  }

  /** The path of a file below root with '/' separators on every system: the stable sample id of a folder's image. */
  public static String relativeId(Path root, Path file) {
    Path relative = root.toAbsolutePath().normalize().relativize(file.toAbsolutePath().normalize());
    return relative.toString().replace(relative.getFileSystem().getSeparator(), "/");
  }
}
