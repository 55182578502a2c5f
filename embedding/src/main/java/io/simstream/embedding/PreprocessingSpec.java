package io.simstream.embedding;

/**
 * How a model expects its pixels: square input {@code size}, the resize rule it was used with, and
 * per-channel normalisation applied to RGB values in [0, 1]. Output layout is always NCHW float.
 */
record PreprocessingSpec(int size, Resize resize, float[] mean, float[] std) {

  enum Resize {
    /** Whole region stretched to size x size, TF bilinear with align_corners=true (nsfwjs runtime). */
    STRETCH_BILINEAR_ALIGN_CORNERS,
    /** Shortest edge to size with Pillow-style antialiased bicubic, then centre crop (HF CLIPImageProcessor). */
    SHORTEST_EDGE_BICUBIC_CENTER_CROP
  }

  /** nsfwjs feeds pixel/255 without mean/std normalisation. */
  static final PreprocessingSpec NSFWJS_MOBILENET = new PreprocessingSpec(224, Resize.STRETCH_BILINEAR_ALIGN_CORNERS,
      new float[] {0f, 0f, 0f}, new float[] {1f, 1f, 1f});

  /** OpenAI CLIP statistics, as in the Hugging Face preprocessor_config.json of the CLIP checkpoints. */
  static PreprocessingSpec clip(int size) {
    return new PreprocessingSpec(size, Resize.SHORTEST_EDGE_BICUBIC_CENTER_CROP,
        new float[] {0.48145466f, 0.4578275f, 0.40821073f},
        new float[] {0.26862954f, 0.26130258f, 0.27577711f});
  }

  int tensorLength() {
    return 3 * size * size;
  }
}
