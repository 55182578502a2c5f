package io.simstream.event;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A new sample. */
public record SampleAdded(int schemaVersion, String dataset, String sampleId, String imageUri,
                          @EventVectors Map<String, float[]> embeddings, List<Patch> patches, Instant eventTime)
    implements SampleUpsert {
  public SampleAdded {
    embeddings = embeddings == null ? Map.of() : Map.copyOf(embeddings);
    patches = patches == null ? List.of() : List.copyOf(patches);
  }
}
