package io.simstream.event;

import java.time.Instant;
import java.util.List;

/** A removed sample; its patches go with it. */
public record SampleDeleted(int schemaVersion, String dataset, String sampleId, Instant eventTime)
    implements ChangeEvent {
  @Override
  public List<EventProblem> problems() {
    return SampleKey.problems(dataset, sampleId);
  }
}
