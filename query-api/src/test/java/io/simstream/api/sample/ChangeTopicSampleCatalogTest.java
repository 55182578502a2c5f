package io.simstream.api.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.simstream.event.BoundingBox;
import io.simstream.event.ChangeEvent;
import io.simstream.event.ChangeEventCodec;
import io.simstream.event.Patch;
import io.simstream.event.SampleDeleted;
import io.simstream.event.SampleUpdated;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChangeTopicSampleCatalogTest {
  private static final Instant AT = Instant.parse("2026-12-03T07:00:00Z");

  @Test
  void anUpsertLeavesItsImageAndPatchBoxes() {
    BoundingBox box = new BoundingBox(0.1, 0.2, 0.3, 0.4);
    byte[] event = ChangeEventCodec.encode(new SampleUpdated(ChangeEvent.CURRENT_SCHEMA_VERSION, "photos", "s1",
        "file:///data/s1.jpg", Map.of("default", new float[] {0.5f, 0.5f}),
        List.of(new Patch("l1", "ground_truth", "cat", box, Map.of("default", new float[] {1f, 0f}))), AT));

    SampleSummary sample = ChangeTopicSampleCatalog.entryOf(event).sample();

    assertThat(sample.sampleId()).isEqualTo("s1");
    assertThat(sample.imageUri()).isEqualTo("file:///data/s1.jpg");
    assertThat(sample.patches()).containsExactly(new SampleSummary.PatchBox("l1", "ground_truth", "cat", box));
  }

  @Test
  void aDeletionLeavesNoSample() {
    byte[] event = ChangeEventCodec.encode(new SampleDeleted(ChangeEvent.CURRENT_SCHEMA_VERSION, "photos", "s1", AT));

    assertThat(ChangeTopicSampleCatalog.entryOf(event).sample()).isNull();
  }

  @Test
  void vectorsAreSkippedUnread() {
    // 1e400 overflows a float: the indexer's full decoding refuses it, the catalog never converts it.
    byte[] event = utf8("{\"type\":\"sample_added\",\"schemaVersion\":1,\"dataset\":\"photos\",\"sampleId\":\"s2\","
        + "\"imageUri\":\"file:///data/s2.jpg\",\"embeddings\":{\"default\":[1e400,2]}}");

    assertThat(ChangeTopicSampleCatalog.entryOf(event).sample().imageUri()).isEqualTo("file:///data/s2.jpg");
  }

  @Test
  void recordsThatAreNotChangeEventsAreRefused() {
    assertThatThrownBy(() -> ChangeTopicSampleCatalog.entryOf(utf8("{\"type\":\"sample_added\",\"dataset\":\"photos\"}")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sampleId");
    assertThatThrownBy(() -> ChangeTopicSampleCatalog.entryOf(utf8("{\"type\":\"sample_moved\",\"dataset\":\"photos\","
        + "\"sampleId\":\"s1\"}"))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sample_moved");
    assertThatThrownBy(() -> ChangeTopicSampleCatalog.entryOf(utf8("not json")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
