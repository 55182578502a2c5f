package io.simstream.api.sample;

import io.simstream.api.elasticsearch.DocumentSummary;
import io.simstream.api.error.ApiException;
import io.simstream.api.error.BadRequestException;
import io.simstream.api.error.NotFoundException;
import io.simstream.embedding.ImageInput;
import io.simstream.embedding.ImageLoadException;
import io.simstream.embedding.fetch.ImageFetcher;

/**
 * Thumbnails of sample images, read through the embedding module's {@link ImageFetcher}: the same
 * URI schemes, time and byte limits as the indexer's embedders.
 */
public final class ThumbnailService {
  public static final int DEFAULT_SIZE = 256;
  public static final int MAX_SIZE = 1024;

  private final SampleService samples;
  private final ImageFetcher fetcher;
  private final ThumbnailRenderer renderer;

  public ThumbnailService(SampleService samples, ImageFetcher fetcher, ThumbnailRenderer renderer) {
    this.samples = samples;
    this.fetcher = fetcher;
    this.renderer = renderer;
  }

  /** The image of the document's sample; {@code id} as in {@link SampleService#describe}. */
  public Thumbnail thumbnail(String dataset, String brainKey, String id, int size) {
    if (size < 16 || size > MAX_SIZE) {
      throw new BadRequestException("size must be in 16.." + MAX_SIZE + ", got " + size);
    }
    DocumentSummary document = samples.require(dataset, brainKey, id);
    String sampleId = document.sampleId();
    if (document.imageUri() == null || document.imageUri().isBlank()) {
      throw new NotFoundException("document '" + id + "' has no imageUri: its sample's events carry vectors only,"
          + " or an indexer from before image URIs were stored wrote it (the sample's next change adds it)");
    }
    try {
      byte[] bytes = fetcher.fetch(ImageInput.of(document.imageUri()).uri());
      return renderer.render(bytes, size);
    } catch (ImageLoadException e) {
      throw failure(sampleId, e);
    } catch (IllegalArgumentException e) {
      throw new ApiException(422, "imageUri of sample '" + sampleId + "' is not a valid URI or path: " + e.getMessage());
    }
  }

  private static ApiException failure(String sampleId, ImageLoadException e) {
    String message = "image of sample '" + sampleId + "': " + e.getMessage();
    return switch (e.failure()) {
      case NOT_FOUND -> new NotFoundException(message);
      // The source may answer later; the client should not read it as a fault of the request.
      case FETCH_FAILED, TIMEOUT -> new ApiException(502, message);
      default -> new ApiException(422, message);
    };
  }
}
