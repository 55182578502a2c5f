package io.simstream.indexer.write;

import io.simstream.event.BoundingBox;
import io.simstream.event.Patch;

/**
 * What a document carries for the query API's results page, beside its vector: the sample's image
 * and, for a patch, its field, label and box. Written into {@code _source} only (the mapping's
 * {@code summary} object is not indexed), so the API reads it from hits and mgets of the run's index.
 * Members are null when the sample or patch has none.
 */
public record DocumentSummary(String imageUri, String field, String label, BoundingBox boundingBox) {
  /** Bytes of a box in a bulk body: four shortest-form doubles, commas and brackets. */
  private static final int BOX_BYTES = 4 * 24 + 5;

  public static DocumentSummary ofSample(String imageUri) {
    return new DocumentSummary(imageUri, null, null, null);
  }

  public static DocumentSummary ofPatch(String imageUri, Patch patch) {
    return new DocumentSummary(imageUri, patch.field(), patch.label(), patch.boundingBox());
  }

  /** Whether there is nothing to write: a vectors-only sample. */
  boolean isEmpty() {
    return imageUri == null && field == null && label == null && boundingBox == null;
  }

  /**
   * Bytes in a bulk body, at or above the real size: names, quotes and braces in the constant,
   * strings at 3 bytes a character (any UTF-8 character of the basic plane; labels are often not ASCII).
   */
  long estimatedBytes() {
    if (isEmpty()) {
      return 0;
    }
    return 80 + chars(imageUri) + chars(field) + chars(label) + (boundingBox == null ? 0 : BOX_BYTES);
  }

  private static long chars(String value) {
    return value == null ? 0 : value.length() * 3L;
  }
}
