package io.simstream.embedding;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.SampleModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;

/**
 * Fetches image bytes from a regular file or http(s) URL within a time and size budget, then decodes
 * them with ImageIO (JPEG, PNG, GIF, BMP, WBMP, TIFF) within a memory budget: the size is read from
 * the header first, so a small file cannot expand into a raster the heap does not hold.
 */
final class ImageLoader {

  static {
    ImageIO.setUseCache(false); // decode in memory rather than through temp files
  }

  /**
   * Heap a decoded pixel costs on top of its raster until it is preprocessed: the packed RGB copy
   * (4) and the resize passes (at most about 4 for images larger than the model input).
   */
  static final int PREPROCESSING_BYTES_PER_PIXEL = 8;
  private static final int MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

  private final Duration timeout;
  private final long maxBytes;
  private final long maxPixels;
  private final DecodeBudget budget;
  private final HttpClient http;

  ImageLoader(Duration timeout, long maxBytes, long maxPixels, DecodeBudget budget) {
    this.timeout = timeout;
    this.maxBytes = maxBytes;
    this.maxPixels = maxPixels;
    this.budget = budget;
    this.http = HttpClient.newBuilder()
        .connectTimeout(timeout)
        .followRedirects(HttpClient.Redirect.NORMAL)
        .build();
  }

  /** Fetches and decodes the image at {@code uri}, then hands it to {@code use}; see {@link #decode}. */
  <T> T load(URI uri, ImageUse<T> use) throws ImageLoadException {
    return decode(fetch(uri), use);
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
    if (status >= 300) {
      throw new ImageLoadException(statusFailure(status), "HTTP " + status + " from " + uri);
    }
    if (result.body() == null) {
      throw new ImageLoadException(EmbeddingFailure.TOO_LARGE, "Content-Length of " + uri + " exceeds " + maxBytes + " bytes");
    }
    return result.body();
  }

  private static EmbeddingFailure statusFailure(int status) {
    if (status == 404 || status == 410) {
      return EmbeddingFailure.NOT_FOUND;
    }
    // Server trouble, a request timeout or rate limiting may pass; any other refusal will not.
    return status >= 500 || status == 408 || status == 429 ? EmbeddingFailure.FETCH_FAILED : EmbeddingFailure.REFUSED;
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

  /**
   * Decodes the image and hands it to {@code use} while its decode memory is reserved. The size
   * comes from the header first: above {@code maxPixels} the image is refused, and an image whose
   * raster would not fit the decode budget is decoded subsampled (every n-th pixel in both
   * directions), which the models, reading 224 x 224 inputs, hardly notice.
   */
  <T> T decode(byte[] bytes, ImageUse<T> use) throws ImageLoadException {
    try (ImageInputStream input = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
      if (!readers.hasNext()) {
        throw new ImageLoadException(EmbeddingFailure.UNDECODABLE,
            "not a supported image format (JPEG, PNG, GIF, BMP, WBMP, TIFF)");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(input, true, true);
        int width = reader.getWidth(0);
        int height = reader.getHeight(0);
        if (width < 1 || height < 1) {
          throw new ImageLoadException(EmbeddingFailure.UNDECODABLE, "empty image");
        }
        if ((long) width * height > maxPixels) {
          throw new ImageLoadException(EmbeddingFailure.TOO_LARGE,
              width + "x" + height + " image exceeds " + maxPixels + " pixels");
        }
        long bytesPerPixel = rasterBytesPerPixel(reader) + PREPROCESSING_BYTES_PER_PIXEL;
        int step = subsampling(width, height, Math.max(1, budget.bytes() / bytesPerPixel));
        long decodedPixels = (long) ceilDiv(width, step) * ceilDiv(height, step);
        ImageReadParam param = reader.getDefaultReadParam();
        param.setSourceSubsampling(step, step, 0, 0);
        try (DecodeBudget.Lease lease = budget.reserve(decodedPixels * bytesPerPixel, timeout)) {
          return use.apply(reader.read(0, param));
        } catch (OutOfMemoryError e) {
          // Only a backstop: the estimate is meant to keep decodes within the heap.
          throw new ImageLoadException(EmbeddingFailure.TOO_LARGE, width + "x" + height
              + " image did not fit the heap when decoded" + (step > 1 ? " at 1/" + step : ""));
        }
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      // ImageIO reports corrupt data as IIOException and sometimes as unchecked exceptions.
      throw new ImageLoadException(EmbeddingFailure.UNDECODABLE, "corrupt or unreadable image: " + e.getMessage());
    }
  }

  /** Bytes per pixel of the raster the reader will create; the most any ImageIO type uses when unknown. */
  private static long rasterBytesPerPixel(ImageReader reader) throws IOException {
    Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
    if (types == null || !types.hasNext()) {
      return 16; // four bands of 32-bit samples
    }
    SampleModel model = types.next().getSampleModel(1, 1);
    long elementBytes = Math.max(1, DataBuffer.getDataTypeSize(model.getDataType()) / 8);
    return Math.max(1, model.getNumDataElements()) * elementBytes;
  }

  /** The smallest step n such that keeping every n-th pixel leaves at most {@code maxPixels}. */
  static int subsampling(int width, int height, long maxPixels) {
    int step = (int) Math.max(1, Math.floor(Math.sqrt((double) width * height / maxPixels)));
    while ((long) ceilDiv(width, step) * ceilDiv(height, step) > maxPixels) {
      step++;
    }
    return step;
  }

  private static int ceilDiv(int value, int divisor) {
    return (value + divisor - 1) / divisor;
  }

  /** What the caller does with a decoded image while its memory is reserved. */
  @FunctionalInterface
  interface ImageUse<T> {
    T apply(BufferedImage image) throws ImageLoadException;
  }
}
