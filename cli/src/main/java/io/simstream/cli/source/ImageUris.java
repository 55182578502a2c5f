package io.simstream.cli.source;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;

/**
 * The imageUri sent for an image file: its absolute {@code file:} URI, or, with a base such as
 * {@code https://images.example.com/cars/}, the base followed by the path relative to the root
 * (for images the indexer reads from elsewhere than the producer's disk).
 */
public final class ImageUris {
  private final Path root;
  private final String base;

  public ImageUris(Path root, String base) {
    this.root = root.toAbsolutePath().normalize();
    this.base = base == null || base.isBlank() ? null : (base.endsWith("/") ? base : base + "/");
  }

  public String of(Path file) {
    Path absolute = root.resolve(file).normalize();
    return base == null ? absolute.toUri().toString() : base + encodedPath(relativeId(root, absolute));
  }

  /** The path as it goes into a URI: spaces, '%', '#', '?' and non-ASCII characters percent-encoded, '/' kept. */
  private static String encodedPath(String path) {
    try {
      // Made absolute for the parse, so that a ':' in the first segment is not read as ending a scheme.
      return new URI(null, null, "/" + path, null).toASCIIString().substring(1);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a path: " + path, e);
    }
  }

  /** The path of a file below root with '/' separators on every system: the stable sample id of a folder's image. */
  public static String relativeId(Path root, Path file) {
    Path relative = root.toAbsolutePath().normalize().relativize(file.toAbsolutePath().normalize());
    return relative.toString().replace(relative.getFileSystem().getSeparator(), "/");
  }
}
