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
    @JsonSubTypes.Type(value = SampleAdded.class, name = "sample_added"),
    @JsonSubTypes.Type(value = SampleUpdated.class, name = "sample_updated"),
    @JsonSubTypes.Type(value = SampleDeleted.class, name = "sample_deleted")
})
public sealed interface ChangeEvent permits SampleUpsert, SampleDeleted {
  /** The schema version producers write today; readers accept this one and older. */
  int CURRENT_SCHEMA_VERSION = 1;

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
