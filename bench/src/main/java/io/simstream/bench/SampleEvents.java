package io.simstream.bench;

import io.simstream.event.ChangeEventCodec;
import io.simstream.event.SampleAdded;
import io.simstream.run.SimilarityRun;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Sample-added events as producers send them, encoded ahead so the timing excludes the encoding. */
final class SampleEvents {
  private SampleEvents() {
  }

  record Encoded(String sampleId, String key, byte[] value) {
  }

  static String sampleId(String prefix, int index) {
    return prefix + "-" + index;
  }

  static Encoded withVector(String dataset, String sampleId, float[] vector) {
    return encode(new SampleAdded(1, dataset, sampleId, null, Map.of(SimilarityRun.DEFAULT_EMBEDDING, vector),
        List.of(), Instant.now()));
  }

  static Encoded withImage(String dataset, String sampleId, String imageUri) {
    return encode(new SampleAdded(1, dataset, sampleId, imageUri, Map.of(), List.of(), Instant.now()));
  }

  private static Encoded encode(SampleAdded event) {
    return new Encoded(event.sampleId(), event.key().toString(), ChangeEventCodec.encode(event));
  }
}
