package io.simstream.embedding.fetch;

import io.simstream.embedding.EmbeddingFailure;
import io.simstream.embedding.ImageLoadException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/** Reads {@code file:} URIs: regular files only, at most a byte limit. */
final class LocalFileSource {

  private static final int MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

  private final long maxBytes;

  LocalFileSource(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  byte[] read(URI uri) throws ImageLoadException {
    Path path;
    try {
      path = Path.of(uri);
    } catch (IllegalArgumentException e) {
      throw new ImageLoadException(EmbeddingFailure.INVALID_INPUT, "not a local file URI: " + uri);
    }
    try {
      BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class); // through links
      if (!attributes.isRegularFile()) {
        // A FIFO would block the loader thread forever and a device such as /dev/zero never ends.
        throw new ImageLoadException(EmbeddingFailure.NOT_A_FILE,
            path + " is not a regular file (a directory, FIFO, device or socket)");
      }
      if (attributes.size() > maxBytes) {
        throw new ImageLoadException(EmbeddingFailure.TOO_LARGE,
            "file has " + attributes.size() + " bytes, limit " + maxBytes);
      }
      try (InputStream in = Files.newInputStream(path)) {
        byte[] bytes = in.readNBytes((int) Math.min(maxBytes + 1, MAX_ARRAY_LENGTH));
        if (bytes.length > maxBytes) { // the file grew after its size was read
          throw new ImageLoadException(EmbeddingFailure.TOO_LARGE, "file exceeds the limit of " + maxBytes + " bytes");
        }
        return bytes;
      }
    } catch (NoSuchFileException e) {
      throw new ImageLoadException(EmbeddingFailure.NOT_FOUND, "no such file: " + path);
    } catch (IOException e) {
      throw new ImageLoadException(EmbeddingFailure.FETCH_FAILED, "cannot read " + path + ": " + e);
    }
  }
}
