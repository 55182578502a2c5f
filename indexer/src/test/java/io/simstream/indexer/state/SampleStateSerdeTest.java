package io.simstream.indexer.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.simstream.event.BoundingBox;
import io.simstream.event.Patch;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SampleStateSerdeTest {
  @Test
  void roundTripsEveryField() {
    SampleState state = new SampleState(42, "file:/a.jpg", Map.of("default", new float[] {1.5f, -2f}),
        Map.of("clip", new float[] {0.25f}),
        List.of(new Patch("l1", "ground_truth", "car", new BoundingBox(0.1, 0.2, 0.3, 0.4),
            Map.of("default", new float[] {3f})), new Patch("l2", null, null, new BoundingBox(0, 0, 1, 1), Map.of())),
        Map.of("l2", Map.of("clip", new float[] {0.5f, -1f})));
    SampleStateSerde serde = new SampleStateSerde();

    SampleState back = serde.deserializer().deserialize("t", serde.serializer().serialize("t", state));

    assertThat(back.version()).isEqualTo(42);
    assertThat(back.imageUri()).isEqualTo("file:/a.jpg");
    assertThat(back.embeddings().get("default")).containsExactly(1.5f, -2f);
    assertThat(back.computed().get("clip")).containsExactly(0.25f);
    assertThat(back.patches()).hasSize(2);
    assertThat(back.patches().get(0).labelId()).isEqualTo("l1");
    assertThat(back.patches().get(0).field()).isEqualTo("ground_truth");
    assertThat(back.patches().get(0).boundingBox()).isEqualTo(new BoundingBox(0.1, 0.2, 0.3, 0.4));
    assertThat(back.patches().get(0).embeddings().get("default")).containsExactly(3f);
    assertThat(back.patches().get(1).field()).isNull();
    assertThat(back.patches().get(1).label()).isNull();
    assertThat(back.patchesComputed()).containsOnlyKeys("l2");
    assertThat(back.computedFor("l2").get("clip")).containsExactly(0.5f, -1f);
  }

  @Test
  void readsStatesWrittenBeforePatchVectorsWereKept() {
    SampleState state = new SampleState(7, "file:/a.jpg", Map.of(), Map.of("clip", new float[] {1f}), List.of(),
        Map.of());
    byte[] current = SampleStateSerde.write(state);
    // Format 1 is format 2 without the trailing count of patch vectors.
    byte[] old = Arrays.copyOf(current, current.length - Integer.BYTES);
    old[0] = 1;

    SampleState back = SampleStateSerde.read(old);

    assertThat(back.version()).isEqualTo(7);
    assertThat(back.computed().get("clip")).containsExactly(1f);
    assertThat(back.patchesComputed()).isEmpty();
  }

  @Test
  void writesTheSameBytesAsTheFormatsDataStreamDefinition() throws Exception {
    SampleState state = new SampleState(9, null, Map.of("default", new float[] {1.5f, -0f, Float.MIN_VALUE}),
        Map.of(), List.of(), Map.of());
    java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
    try (java.io.DataOutputStream out = new java.io.DataOutputStream(expected)) {
      out.writeByte(2);
      out.writeLong(9);
      out.writeBoolean(false);
      out.writeInt(1);
      out.writeUTF("default");
      out.writeInt(3);
      for (float value : new float[] {1.5f, -0f, Float.MIN_VALUE}) {
        out.writeFloat(value);
      }
      out.writeInt(0);
      out.writeInt(0);
      out.writeInt(0);
    }

    assertThat(SampleStateSerde.write(state)).as("stores and changelogs written before stay readable")
        .isEqualTo(expected.toByteArray());
  }

  @Test
  void aStateLargerThanItsEstimateRoundTripsAndATruncatedOneIsRefused() {
    float[] wide = new float[1280];
    Arrays.fill(wide, -0.123f);
    String longLabel = "étiquette ".repeat(300);
    List<Patch> patches = new java.util.ArrayList<>();
    for (int i = 0; i < 40; i++) {
      patches.add(new Patch("label-" + i, "ground_truth", longLabel, new BoundingBox(0, 0, 1, 1),
          Map.of("default", wide)));
    }
    SampleState state = new SampleState(3, "file:/" + "dossier/".repeat(500), Map.of("default", wide), Map.of(),
        patches, Map.of());
    byte[] bytes = SampleStateSerde.write(state);

    SampleState back = SampleStateSerde.read(bytes);

    assertThat(back.patches()).hasSize(40);
    assertThat(back.patches().get(39).label()).isEqualTo(longLabel);
    assertThat(back.patches().get(39).embeddings().get("default")).containsExactly(wide);
    assertThat(back.embeddings().get("default")).containsExactly(wide);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> SampleStateSerde.read(
        Arrays.copyOf(bytes, 200))).isInstanceOf(org.apache.kafka.common.errors.SerializationException.class);
  }
}
