package io.simstream.event;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A changed sample: the event carries its whole new state, which replaces the old one. */
public record SampleUpdated(int schemaVersion, String dataset, String sampleId, String imageUri,
                            @EventVectors Map<String, float[]> embeddings, List<Patch> patches, Instant eventTime)
    implements SampleUpsert {
  public SampleUpdated {
    embeddings = embeddings == null ? Map.of() : Map.copyOf(embeddings);
    patches = patches == null ? List.of() : List.copyOf(patches);
  }
}
