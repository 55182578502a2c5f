package io.simstream.embedding;

import io.simstream.event.ImageLocation;
import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

/** An image to embed: where it is (file, http(s) or s3 URI) and optionally which part of it. */
public record ImageInput(URI uri, CropBox crop) {

  public ImageInput {
    Objects.requireNonNull(uri, "uri");
  }

  /**
   * Accepts a plain file path, a {@code file:} URI, an {@code http(s)://} URL or {@code s3://bucket/key}
   * ({@link ImageLocation}). Other schemes are kept as URIs and fail at load time as
   * {@link EmbeddingFailure#INVALID_INPUT}.
   */
  public static ImageInput of(String location) {
    return new ImageInput(ImageLocation.toUri(location), null);
  }

  public static ImageInput of(Path file) {
    return new ImageInput(file.toAbsolutePath().toUri(), null);
  }

  public ImageInput withCrop(CropBox box) {
    return new ImageInput(uri, box);
  }
}
