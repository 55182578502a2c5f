package io.simstream.embedding;

import io.simstream.event.ImageLocation;
import java.net.URI;
import java.nio.file.Path;

/**
 * An image to embed: where it is (file, http(s) or s3 URI) or its file's bytes already in memory
 * (exactly one of the two), and optionally which part of it.
 */
public record ImageInput(URI uri, byte[] bytes, CropBox crop) {

  public ImageInput {
    if ((uri == null) == (bytes == null)) {
      throw new IllegalArgumentException("an image input has either a uri or bytes");
    }
  }

  /**
   * Accepts a plain file path, a {@code file:} URI, an {@code http(s)://} URL or {@code s3://bucket/key}
   * ({@link ImageLocation}). Other schemes are kept as URIs and fail at load time as
   * {@link EmbeddingFailure#INVALID_INPUT}.
   */
  public static ImageInput of(String location) {
    return new ImageInput(ImageLocation.toUri(location), null, null);
  }

  public static ImageInput of(Path file) {
    return new ImageInput(file.toAbsolutePath().toUri(), null, null);
  }

  /** An image file's bytes (JPEG, PNG, ...), held to the byte, pixel and decode memory limits of a fetched one. */
  public static ImageInput ofBytes(byte[] file) {
    return new ImageInput(null, file, null);
  }

  public ImageInput withCrop(CropBox box) {
    return new ImageInput(uri, bytes, box);
  }
}
