package io.simstream.embedding.fetch;

import io.simstream.config.Settings;
import io.simstream.config.SimstreamConfig;
import io.simstream.embedding.EmbeddingFailure;
import io.simstream.embedding.ImageLoadException;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Reads the bytes of an image named by a URI (a file, an http(s) URL, an s3://bucket/key object) within
 * a time and size limit.
 * The indexer's embedders and the query API's thumbnails both read images through it, so both
 * accept the same URIs and refuse the same oversized or slow ones with the same
 * {@link EmbeddingFailure}s.
 */
public final class ImageFetcher implements AutoCloseable {

  private final Duration timeout;
  private final long maxBytes;
  private final LocalFileSource files;
  private final HttpSource http;
  private final S3Source s3;

  /** Reads s3:// images from AWS S3 with the SDK's default region and credentials. */
  public ImageFetcher(Duration timeout, long maxBytes) {
    this(timeout, maxBytes, S3Options.defaults());
  }

  /**
   * @param timeout  longest time to get one image, connection included
   * @param maxBytes larger images fail with {@link EmbeddingFailure#TOO_LARGE}, never buffering more
   * @param s3       where s3:// images are read from
   */
  public ImageFetcher(Duration timeout, long maxBytes, S3Options s3) {
    Objects.requireNonNull(timeout, "timeout");
    if (maxBytes < 1 || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout and byte limit must be positive");
    }
    this.timeout = timeout;
    this.maxBytes = maxBytes;
    this.files = new LocalFileSource(maxBytes);
    this.http = new HttpSource(timeout, maxBytes);
    this.s3 = new S3Source(timeout, maxBytes, Objects.requireNonNull(s3, "s3"));
  }

  /** The image limits ({@code embedding.image-timeout-ms}, {@code embedding.max-image-bytes}) and s3 settings. */
  public static ImageFetcher from(SimstreamConfig config) {
    return new ImageFetcher(Duration.ofMillis(config.get(Settings.EMBEDDING_IMAGE_TIMEOUT_MS)),
        config.get(Settings.EMBEDDING_MAX_IMAGE_BYTES), S3Options.from(config));
  }

  public Duration timeout() {
    return timeout;
  }

  public long maxBytes() {
    return maxBytes;
  }

  /**
   * The image's bytes, at most {@link #maxBytes()} of them.
   *
   * @throws ImageLoadException with the failure kind: missing, refused, too large, timed out, ...
   */
  public byte[] fetch(URI uri) throws ImageLoadException {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    return switch (scheme) {
      case "file" -> files.read(uri);
      case "http", "https" -> http.read(uri);
      case "s3" -> s3.read(uri);
      default -> throw new ImageLoadException(EmbeddingFailure.INVALID_INPUT, "unsupported URI scheme '" + scheme
          + "' in " + uri + " (use a file path, a file: or http(s) URL, or s3://bucket/key)");
    };
  }

  @Override
  public void close() {
    s3.close(); // the JDK's HTTP client needs no closing on Java 17
  }
}
