package io.simstream.event;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;
import java.util.List;

/**
 * A change of one sample of one dataset. Events are keyed by {@link SampleKey} on the change topic,
 * so every change of a sample lands on one partition, in order.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = SampleAdded.class, name = ChangeEvent.SAMPLE_ADDED),
    @JsonSubTypes.Type(value = SampleUpdated.class, name = ChangeEvent.SAMPLE_UPDATED),
    @JsonSubTypes.Type(value = SampleDeleted.class, name = ChangeEvent.SAMPLE_DELETED)
})
public sealed interface ChangeEvent permits SampleUpsert, SampleDeleted {
  /** The schema version producers write today; readers accept this one and older. */
  int CURRENT_SCHEMA_VERSION = 1;

  /** The {@code type} of each kind of event on the wire. */
  String SAMPLE_ADDED = "sample_added";
  String SAMPLE_UPDATED = "sample_updated";
  String SAMPLE_DELETED = "sample_deleted";

  int schemaVersion();

  String dataset();

  String sampleId();

  Instant eventTime();

  default SampleKey key() {
    return new SampleKey(dataset(), sampleId());
  }

  /** Problems that make the event unusable, empty when it is valid. */
  List<EventProblem> problems();
}
