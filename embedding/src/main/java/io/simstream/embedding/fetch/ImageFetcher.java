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
 * Reads the bytes of an image named by a URI (a file, an http(s) URL) within a time and size limit.
 * The indexer's embedders and the query API's thumbnails both read images through it, so both
 * accept the same URIs and refuse the same oversized or slow ones with the same
 * {@link EmbeddingFailure}s.
 */
public final class ImageFetcher implements AutoCloseable {

  private final Duration timeout;
  private final long maxBytes;
  private final LocalFileSource files;
  private final HttpSource http;

  /**
   * @param timeout  longest time to get one image, connection included
   * @param maxBytes larger images fail with {@link EmbeddingFailure#TOO_LARGE}, never buffering more
   */
  public ImageFetcher(Duration timeout, long maxBytes) {
    Objects.requireNonNull(timeout, "timeout");
    if (maxBytes < 1 || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout and byte limit must be positive");
    }
    this.timeout = timeout;
    this.maxBytes = maxBytes;
    this.files = new LocalFileSource(maxBytes);
    this.http = new HttpSource(timeout, maxBytes);
  }

  /** The image limits of simstream's configuration ({@code embedding.image-timeout-ms}, {@code embedding.max-image-bytes}). */
  public static ImageFetcher from(SimstreamConfig config) {
    return new ImageFetcher(Duration.ofMillis(config.get(Settings.EMBEDDING_IMAGE_TIMEOUT_MS)),
        config.get(Settings.EMBEDDING_MAX_IMAGE_BYTES));
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
      default -> throw new ImageLoadException(EmbeddingFailure.INVALID_INPUT,
          "unsupported URI scheme '" + scheme + "' in " + uri + " (use a file path, file: or http(s) URL)");
    };
  }

  @Override
  public void close() {
    // Nothing held yet beyond the JDK's HTTP client, which needs no closing on Java 17.
  }
}
