package io.simstream.event;

/** Why an event was refused, so callers can branch on it instead of on message text. */
public enum InvalidEventReason {
  /** No bytes, the Kafka null value or a JSON {@code null}. */
  EMPTY,
  /** Not JSON, or JSON that is not a change event of a known type. */
  UNPARSEABLE,
  /** A required field is absent or blank. */
  MISSING_FIELD,
  /** A field holds a value the indexer cannot use (a bad box, a non-finite vector, a bad dataset name). */
  INVALID_VALUE,
  /** A sample or label id that Elasticsearch would refuse as a document id. */
  INVALID_ID,
  /** Written by a newer producer than this reader understands. */
  UNSUPPORTED_VERSION;

  /** True when the bytes could not be read as an event at all. */
  public boolean unreadable() {
    return this == EMPTY || this == UNPARSEABLE;
  }
}
