package io.simstream.indexer.embed;

import io.simstream.embedding.EmbeddingFailure;
import io.simstream.event.BoundingBox;
import java.util.List;

/**
 * The indexer's view of an embedding model. The {@code embedding} module's Embedder is adapted to
 * this seam where the indexer is wired (see {@link EmbedderProvider}).
 */
public interface ImageEmbedder {
  String modelName();

  int dimensions();

  /**
   * What tells this model's weights from other weights under the same name (a hash of files the user supplies),
   * so that a vector computed by other weights is never reused; empty for weights that ship with simstream.
   */
  default String checkpoint() {
    return "";
  }

  /** One outcome per image, in order; an unreadable image fails alone. */
  List<Outcome> embedImages(List<Image> images);

  /**
   * An image to embed: the whole of it, or the part a patch's box covers.
   *
   * @param crop relative box {@code [x, y, width, height]}, null for the whole image
   */
  record Image(String uri, BoundingBox crop) {
    public static Image whole(String uri) {
      return new Image(uri, null);
    }

    public static Image cropped(String uri, BoundingBox crop) {
      return new Image(uri, crop);
    }
  }

  /**
   * A vector, or the reason there is none: the failure kind (e.g. {@code TIMEOUT}) and a message.
   * A {@link #retryable()} failure is transient (fetch failed, HTTP 5xx, timeout), so the image is
   * worth loading again later rather than dead-lettering at once.
   */
  record Outcome(float[] vector, EmbeddingFailure failure, String error) {
    public static Outcome of(float[] vector) {
      return new Outcome(vector, null, null);
    }

    /** A failure of unknown kind, treated as permanent. */
    public static Outcome failed(String error) {
      return new Outcome(null, EmbeddingFailure.UNDECODABLE, error);
    }

    public static Outcome failed(EmbeddingFailure failure, String error) {
      return new Outcome(null, failure, error);
    }

    public boolean succeeded() {
      return vector != null;
    }

    public boolean retryable() {
      return failure != null && failure.retryable();
    }
  }
}
