package io.simstream.event;

import java.net.URI;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * An event's imageUri read as the indexer reads it: a URI when it starts with a scheme, else a file
 * path. Producers check with the same reading, so that an image the indexer could never open is
 * refused at its line instead of dead-lettered later in every model run.
 */
public final class ImageLocation {
  /** A scheme of two or more letters; one letter would be a Windows drive ("C:\\..."). */
  private static final Pattern WITH_SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]+:.*");

  private ImageLocation() {
  }

  /** Whether the location is read as a URI; else it is a file path. */
  public static boolean hasScheme(String location) {
    return WITH_SCHEME.matcher(location).matches();
  }

  /** @throws IllegalArgumentException saying why the location is neither a URI nor a path */
  public static URI toUri(String location) {
    if (hasScheme(location)) {
      return URI.create(location);
    }
    return Path.of(location).toAbsolutePath().toUri();
  }
}
