package io.simstream.indexer.state;

import io.simstream.event.BoundingBox;
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
 * @param version         offset of the sample's latest event: monotonic per sample (one key, one partition)
 * @param embeddings      vectors sent by the producer, keyed by brain key, model or "default"
 * @param computed        vectors computed by embedding models for this image, keyed by {@link #computedKey},
 *                        kept so that they are never recomputed while the image stays the same
 * @param patchesComputed vectors computed for patches, by label id then {@link #computedKey}, kept while the
 *                        image and the patch's box stay the same
 */
public record SampleState(long version, String imageUri, Map<String, float[]> embeddings,
                          Map<String, float[]> computed, List<Patch> patches,
                          Map<String, Map<String, float[]>> patchesComputed) {
  /** Between a model's name and its checkpoint in a computed vector's key; catalog model names have none. */
  private static final char CHECKPOINT_SEPARATOR = '@';

  public SampleState {
    embeddings = Map.copyOf(embeddings);
    computed = Map.copyOf(computed);
    patches = List.copyOf(patches);
    Map<String, Map<String, float[]>> byLabel = new HashMap<>();
    patchesComputed.forEach((labelId, vectors) -> byLabel.put(labelId, Map.copyOf(vectors)));
    patchesComputed = Map.copyOf(byLabel);
  }

  /** The state after {@code event}; vectors computed for the same image (and the same boxes) are carried over. */
  public static SampleState after(SampleState previous, SampleUpsert event, long version) {
    boolean sameImage = previous != null && Objects.equals(previous.imageUri, event.imageUri());
    Map<String, float[]> computed = sameImage ? previous.computed : Map.of();
    Map<String, Map<String, float[]>> patchesComputed = new HashMap<>();
    if (sameImage) {
      Map<String, BoundingBox> oldBoxes = new HashMap<>();
      previous.patches.forEach(p -> oldBoxes.put(p.labelId(), p.boundingBox()));
      for (Patch patch : event.patches()) {
        Map<String, float[]> vectors = previous.patchesComputed.get(patch.labelId());
        if (vectors != null && patch.boundingBox().equals(oldBoxes.get(patch.labelId()))) {
          patchesComputed.put(patch.labelId(), vectors);
        }
      }
    }
    return new SampleState(version, event.imageUri(), event.embeddings(), computed, event.patches(), patchesComputed);
  }

  /**
   * Largest state kept, estimated: half the changelog's record limit. A change whose state would be
   * larger is dead-lettered, since its changelog record could never be written.
   */
  public static final long MAX_BYTES = io.simstream.kafka.Topics.MAX_RECORD_BYTES / 2;
  /**
   * Largest state kept with the vectors the indexer computed, estimated: the changelog's record limit, less a
   * margin for the record's own overhead. Computed vectors beyond it are not kept.
   */
  public static final long MAX_STORED_BYTES = io.simstream.kafka.Topics.MAX_RECORD_BYTES - 64 * 1024;

  /** About the bytes of the stored form: the vectors dominate. */
  public long estimatedBytes() {
    long bytes = 64 + (imageUri == null ? 0 : imageUri.length() * 2L);
    for (float[] vector : embeddings.values()) {
      bytes += 32 + vector.length * 4L;
    }
    for (float[] vector : computed.values()) {
      bytes += 32 + vector.length * 4L;
    }
    for (Patch patch : patches) {
      bytes += 96 + patch.labelId().length() * 2L;
      for (float[] vector : patch.embeddings().values()) {
        bytes += 32 + vector.length * 4L;
      }
    }
    for (Map<String, float[]> vectors : patchesComputed.values()) {
      for (float[] vector : vectors.values()) {
        bytes += 32 + vector.length * 4L;
      }
    }
    return bytes;
  }

  /** The vectors computed for a patch, by model name; empty when none. */
  public Map<String, float[]> computedFor(String labelId) {
    return patchesComputed.getOrDefault(labelId, Map.of());
  }

  /**
   * The key of a vector computed by {@code model} with the weights {@code checkpoint}: the model name alone for
   * weights that ship with simstream (empty checkpoint), as states written before checkpoints have it.
   */
  public static String computedKey(String model, String checkpoint) {
    return checkpoint.isEmpty() ? model : model + CHECKPOINT_SEPARATOR + checkpoint;
  }

  /** Keeps the vector under its {@link #computedKey}, in place of one that other weights of the model computed. */
  public SampleState withComputed(String key, float[] vector) {
    return new SampleState(version, imageUri, embeddings, replaced(computed, key, vector), patches, patchesComputed);
  }

  public SampleState withPatchComputed(String labelId, String key, float[] vector) {
    Map<String, float[]> vectors = replaced(computedFor(labelId), key, vector);
    Map<String, Map<String, float[]>> copy = new HashMap<>(patchesComputed);
    copy.put(labelId, vectors);
    return new SampleState(version, imageUri, embeddings, computed, patches, copy);
  }

  private static Map<String, float[]> replaced(Map<String, float[]> vectors, String key, float[] vector) {
    String model = modelOf(key);
    Map<String, float[]> copy = new HashMap<>(vectors);
    copy.keySet().removeIf(other -> modelOf(other).equals(model));
    copy.put(key, vector);
    return copy;
  }

  private static String modelOf(String key) {
    int separator = key.indexOf(CHECKPOINT_SEPARATOR);
    return separator < 0 ? key : key.substring(0, separator);
  }
}
