package io.simstream.indexer.topology;

/**
 * Why a record went to the dead-letter topic. The reason header reads {@code <code>: <detail>}, so
 * consumers can group by the code and read the detail.
 */
public enum DeadLetterKind {
  /** Not JSON, or not an event (the codec could not read it). */
  UNPARSEABLE("unparseable"),
  /** Readable but unusable: missing fields, bad boxes, non-finite numbers. */
  INVALID_EVENT("invalid_event"),
  /** The Kafka key is not the event's dataset/sampleId: ordering per sample would break. */
  KEY_MISMATCH("key_mismatch"),
  /** The dataset is not registered on the datasets topic. */
  UNKNOWN_DATASET("unknown_dataset"),
  /** A vector's length differs from a run's dims, or it cannot be normalised; a model's vector is not finite. */
  WRONG_DIMS("wrong_dims"),
  /** A run needs a model this indexer does not have. */
  MODEL_UNAVAILABLE("model_unavailable"),
  /** The embedding model could not read the image. */
  UNREADABLE_IMAGE("unreadable_image"),
  /** Elasticsearch refused the document as bad input (400). */
  REJECTED_BY_INDEX("rejected_by_index"),
  /** The sample's state would exceed {@code SampleState.MAX_BYTES}; the previous state stays. */
  TOO_LARGE("too_large");

  private final String code;

  DeadLetterKind(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }

  public String reason(String detail) {
    return code + ": " + detail;
  }
}
