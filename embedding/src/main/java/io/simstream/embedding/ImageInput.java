package io.simstream.embedding;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/** An image to embed: where it is (file, http(s) or s3 URI) and optionally which part of it. */
public record ImageInput(URI uri, CropBox crop) {

  public ImageInput {
    Objects.requireNonNull(uri, "uri");
  }

  /** A URI with a scheme of two or more letters; one letter would be a Windows drive ("C:\\..."). */
  private static final Pattern URI_WITH_SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]+:.*");

  /**
   * Accepts a plain file path, a {@code file:} URI, an {@code http(s)://} URL or {@code s3://bucket/key}.
   * Other schemes are kept as URIs and fail at load time as {@link EmbeddingFailure#INVALID_INPUT}.
   */
  public static ImageInput of(String location) {
    if (URI_WITH_SCHEME.matcher(location).matches()) {
      return new ImageInput(URI.create(location), null);
    }
    return new ImageInput(Path.of(location).toAbsolutePath().toUri(), null);
  }

  public static ImageInput of(Path file) {
    return new ImageInput(file.toAbsolutePath().toUri(), null);
  }

  public ImageInput withCrop(CropBox box) {
    return new ImageInput(uri, box);
  }
}
