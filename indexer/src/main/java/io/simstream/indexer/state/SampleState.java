package io.simstream.indexer.state;

import io.simstream.event.Patch;
import io.simstream.event.SampleUpsert;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The current state of one sample, as the indexer keeps it in its {@code samples} store. Every write
 * to Elasticsearch is built from this state, never from an event's content, so a replayed old event
 * cannot bring back what a later event changed or deleted.
 *
 * @param version    offset of the sample's latest event: monotonic per sample (one key, one partition)
 * @param embeddings vectors sent by the producer, keyed by brain key, model or "default"
 * @param computed   vectors computed by embedding models for this image, keyed by model name, kept so
 *                   that they are never recomputed while the image stays the same
 */
public record SampleState(long version, String imageUri, Map<String, float[]> embeddings,
                          Map<String, float[]> computed, List<Patch> patches) {
  public SampleState {
    embeddings = Map.copyOf(embeddings);
    computed = Map.copyOf(computed);
    patches = List.copyOf(patches);
  }

  /** The state after {@code event}; vectors computed for the same image are carried over. */
  public static SampleState after(SampleState previous, SampleUpsert event, long version) {
    boolean sameImage = previous != null && Objects.equals(previous.imageUri, event.imageUri());
    Map<String, float[]> computed = sameImage ? previous.computed : Map.of();
    return new SampleState(version, event.imageUri(), event.embeddings(), computed, event.patches());
  }

  public SampleState withComputed(String model, float[] vector) {
    Map<String, float[]> copy = new HashMap<>(computed);
    copy.put(model, vector);
    return new SampleState(version, imageUri, embeddings, copy, patches);
  }
}
