package io.simstream.cli.source;

import io.simstream.event.ChangeEvent;
import io.simstream.event.Patch;
import io.simstream.event.SampleAdded;
import io.simstream.event.SampleUpdated;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One sample read from a folder, manifest or COCO file: its whole state, the hash of that state
 * (what {@code --sync} compares), and where it came from, for messages about it.
 */
public record SourceSample(String sampleId, String imageUri, Map<String, float[]> embeddings, List<Patch> patches,
                           String contentHash, String origin) {
  public SourceSample {
    embeddings = embeddings == null ? Map.of() : Map.copyOf(embeddings);
    patches = patches == null ? List.of() : List.copyOf(patches);
  }

  public SourceSample withContentHash(String hash) {
    return new SourceSample(sampleId, imageUri, embeddings, patches, hash, origin);
  }

  public ChangeEvent toEvent(String dataset, boolean known, Instant now) {
    return known
        ? new SampleUpdated(ChangeEvent.CURRENT_SCHEMA_VERSION, dataset, sampleId, imageUri, embeddings, patches, now)
        : new SampleAdded(ChangeEvent.CURRENT_SCHEMA_VERSION, dataset, sampleId, imageUri, embeddings, patches, now);
  }
}
