package io.simstream.embedding;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Fetches image bytes from a file or http(s) URL within a time and size budget, then decodes them
 * with ImageIO (JPEG, PNG, GIF, BMP, WBMP, TIFF), checking the pixel count before decoding so a
 * small file cannot expand into a huge raster.
 */
final class ImageLoader {

  static {
    ImageIO.setUseCache(false); // decode in memory rather than through temp files
  }

  private final Duration timeout;
  private final long maxBytes;
  private final long maxPixels;
  private final HttpClient http;

  ImageLoader(Duration timeout, long maxBytes, long maxPixels) {
    this.timeout = timeout;
    this.maxBytes = maxBytes;
    this.maxPixels = maxPixels;
    this.http = HttpClient.newBuilder()
        .connectTimeout(timeout)
        .followRedirects(HttpClient.Redirect.NORMAL)
        .build();
  }

  BufferedImage load(URI uri) throws ImageLoadException {
    return decode(fetch(uri));
  }

  byte[] fetch(URI uri) throws ImageLoadException {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    return switch (scheme) {
      case "file" -> readFile(Path.of(uri));
      case "http", "https" -> download(uri);
      default -> throw new ImageLoadException(EmbeddingFailure.INVALID_INPUT,
          "unsupported URI scheme '" + scheme + "' in " + uri + " (use a file path, file: or http(s) URL)");
    };
  }

  private byte[] readFile(Path path) throws ImageLoadException {
    try {
      long size = Files.size(path);
      if (size > maxBytes) {
        throw new ImageLoadException(EmbeddingFailure.TOO_LARGE, "file has " + size + " bytes, limit " + maxBytes);
      }
      return Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new ImageLoadException(EmbeddingFailure.NOT_FOUND, "no such file: " + path);
    } catch (IOException e) {
      throw new ImageLoadException(EmbeddingFailure.FETCH_FAILED, "cannot read " + path + ": " + e);
    }
  }

  private byte[] download(URI uri) throws ImageLoadException {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
    CompletableFuture<HttpResponse<byte[]>> response = http.sendAsync(request, info -> {
      long declared = info.headers().firstValueAsLong("Content-Length").orElse(-1);
      if (info.statusCode() >= 300 || declared > maxBytes) {
        return HttpResponse.BodySubscribers.replacing(null); // body not wanted
      }
      return new LimitedBodySubscriber(maxBytes);
    });
    HttpResponse<byte[]> result;
    try {
      result = response.get(timeout.toMillis(), TimeUnit.MILLISECONDS); // whole exchange, body included
    } catch (TimeoutException e) {
      response.cancel(true);
      throw new ImageLoadException(EmbeddingFailure.TIMEOUT, "no complete response from " + uri + " within " + timeout);
    } catch (InterruptedException e) {
      response.cancel(true);
      Thread.currentThread().interrupt();
      throw new ImageLoadException(EmbeddingFailure.FETCH_FAILED, "interrupted while fetching " + uri);
    } catch (ExecutionException e) {
      throw downloadFailure(uri, e.getCause());
    }
    int status = result.statusCode();
    if (status == 404 || status == 410) {
      throw new ImageLoadException(EmbeddingFailure.NOT_FOUND, "HTTP " + status + " from " + uri);
    }
    if (status >= 300) {
      throw new ImageLoadException(EmbeddingFailure.FETCH_FAILED, "HTTP " + status + " from " + uri);
    }
    if (result.body() == null) {
      throw new ImageLoadException(EmbeddingFailure.TOO_LARGE, "Content-Length of " + uri + " exceeds " + maxBytes + " bytes");
    }
    return result.body();
  }

  private static ImageLoadException downloadFailure(URI uri, Throwable cause) {
    if (cause instanceof ImageLoadException loadFailure) {
      return loadFailure;
    }
    if (cause instanceof java.net.http.HttpTimeoutException) {
      return new ImageLoadException(EmbeddingFailure.TIMEOUT, "timed out fetching " + uri + ": " + cause.getMessage());
    }
    return new ImageLoadException(EmbeddingFailure.FETCH_FAILED, "cannot fetch " + uri + ": " + cause);
  }

  BufferedImage decode(byte[] bytes) throws ImageLoadException {
    try (ImageInputStream input = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
      if (!readers.hasNext()) {
        throw new ImageLoadException(EmbeddingFailure.UNDECODABLE,
            "not a supported image format (JPEG, PNG, GIF, BMP, WBMP, TIFF)");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(input, true, true);
        long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
        if (pixels > maxPixels) {
          throw new ImageLoadException(EmbeddingFailure.TOO_LARGE,
              reader.getWidth(0) + "x" + reader.getHeight(0) + " image exceeds " + maxPixels + " pixels");
        }
        BufferedImage image = reader.read(0);
        if (image.getWidth() < 1 || image.getHeight() < 1) {
          throw new ImageLoadException(EmbeddingFailure.UNDECODABLE, "empty image");
        }
        return image;
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      // ImageIO reports corrupt data as IIOException and sometimes as unchecked exceptions.
      throw new ImageLoadException(EmbeddingFailure.UNDECODABLE, "corrupt or unreadable image: " + e.getMessage());
    }
  }
}
