package io.simstream.api.sample;

import io.simstream.event.BoundingBox;
import java.util.List;

/**
 * What the API knows of a sample beyond its vectors: where its image is and its patches' boxes, as
 * the latest change event gave them. The results page draws thumbnails and patch crops from it.
 */
public record SampleSummary(String sampleId, String imageUri, List<PatchBox> patches) {
  public SampleSummary {
    patches = List.copyOf(patches);
  }

  /** A patch of the sample: its label id, label field, label and box (relative [x, y, width, height]). */
  public record PatchBox(String labelId, String field, String label, BoundingBox boundingBox) {
  }
}
