package io.simstream.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChangeEventCodecTest {

  private static byte[] json(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void roundTripsAnAddWithVectorsAndPatches() throws Exception {
    SampleAdded added = new SampleAdded(1, "demo", "s1", "file:///data/s1.jpg",
        Map.of("default", new float[] {1f, 2f}),
        List.of(new Patch("l1", "ground_truth", "cat", new BoundingBox(0.1, 0.2, 0.3, 0.4),
            Map.of("default", new float[] {3f, 4f}))),
        Instant.parse("2026-11-29T10:00:00Z"));
    ChangeEvent decoded = ChangeEventCodec.decode(ChangeEventCodec.encode(added));
    assertThat(decoded).isInstanceOf(SampleAdded.class);
    SampleAdded back = (SampleAdded) decoded;
    assertThat(back.key()).isEqualTo(new SampleKey("demo", "s1"));
    assertThat(back.embeddings().get("default")).containsExactly(1f, 2f);
    assertThat(back.patches().get(0).boundingBox()).isEqualTo(new BoundingBox(0.1, 0.2, 0.3, 0.4));
    assertThat(back.patches().get(0).embeddings().get("default")).containsExactly(3f, 4f);
    assertThat(back.eventTime()).isEqualTo(added.eventTime());
  }

  @Test
  void readsTheDocumentedWireFormat() throws Exception {
    ChangeEvent event = ChangeEventCodec.decode(json("""
        {"type":"sample_updated","schemaVersion":1,"dataset":"demo","sampleId":"s9",
         "embeddings":{"clip":[0.5,0.25]},
         "patches":[{"labelId":"p1","label":"dog","boundingBox":[0,0,0.5,0.5]}],
         "someFutureField":true}"""));
    assertThat(event).isInstanceOf(SampleUpdated.class);
    assertThat(((SampleUpdated) event).patches()).extracting(Patch::labelId).containsExactly("p1");

    ChangeEvent deleted = ChangeEventCodec.decode(json(
        "{\"type\":\"sample_deleted\",\"schemaVersion\":1,\"dataset\":\"demo\",\"sampleId\":\"s9\"}"));
    assertThat(deleted).isEqualTo(new SampleDeleted(1, "demo", "s9", null));
  }

  @Test
  void writesVectorsAsBase64OfBigEndianFloat32AndReadsThemBitForBit() throws Exception {
    float[] awkward = {1f, -0f, Float.MIN_VALUE, 0.1f, -3.4028235e38f};
    SampleUpdated updated = new SampleUpdated(1, "demo", "s1", null, Map.of("default", awkward), List.of(), null);

    String wire = new String(ChangeEventCodec.encode(updated), StandardCharsets.UTF_8);

    assertThat(wire).contains("\"default\":\"" + EventVectors.Writer.toBase64(awkward) + "\"");
    float[] back = ((SampleUpdated) ChangeEventCodec.decode(wire.getBytes(StandardCharsets.UTF_8)))
        .embeddings().get("default");
    for (int i = 0; i < awkward.length; i++) {
      assertThat(Float.floatToRawIntBits(back[i])).as("value %d", i).isEqualTo(Float.floatToRawIntBits(awkward[i]));
    }
  }

  @Test
  void readsBase64VectorsOfOtherProducersBesideArrays() throws Exception {
    // [1.0, 2.0] as big-endian float32 (3f800000 40000000), encoded outside Java.
    SampleAdded added = (SampleAdded) ChangeEventCodec.decode(json("""
        {"type":"sample_added","schemaVersion":1,"dataset":"demo","sampleId":"s1",
         "embeddings":{"clip":"P4AAAEAAAAA=","unpadded":"P4AAAEAAAAA","other":[1.0,2.0]},
         "patches":[{"labelId":"p1","boundingBox":[0,0,1,1],"embeddings":{"clip":"P4AAAEAAAAA="}}]}"""));

    assertThat(added.embeddings().get("clip")).containsExactly(1f, 2f);
    assertThat(added.embeddings().get("unpadded")).containsExactly(1f, 2f);
    assertThat(added.embeddings().get("other")).containsExactly(1f, 2f);
    assertThat(added.patches().get(0).embeddings().get("clip")).containsExactly(1f, 2f);
  }

  @Test
  void rejectsBase64ThatIsNotAVector() {
    assertThatThrownBy(() -> ChangeEventCodec.decode(json(
        "{\"type\":\"sample_added\",\"dataset\":\"d\",\"sampleId\":\"s\",\"embeddings\":{\"k\":\"not base64!\"}}")))
        .isInstanceOf(InvalidEventException.class).hasMessageContaining("base64 of big-endian float32");
    assertThatThrownBy(() -> ChangeEventCodec.decode(json(
        "{\"type\":\"sample_added\",\"dataset\":\"d\",\"sampleId\":\"s\",\"embeddings\":{\"k\":\"YWJj\"}}")))
        .isInstanceOf(InvalidEventException.class).hasMessageContaining("3 bytes is not a multiple of 4");
    // NaN (7fc00000) is well-formed base64 but not a usable vector.
    assertThatThrownBy(() -> ChangeEventCodec.decode(json(
        "{\"type\":\"sample_added\",\"dataset\":\"d\",\"sampleId\":\"s\",\"embeddings\":{\"k\":\"f8AAAA==\"}}")))
        .isInstanceOf(InvalidEventException.class).hasMessageContaining("embeddings.k holds a non-finite number");
  }

  @Test
  void rejectsUnparseableJsonWithAReason() {
    assertThatThrownBy(() -> ChangeEventCodec.decode(json("{not json")))
        .isInstanceOf(InvalidEventException.class).hasMessageStartingWith("unparseable event");
    assertThatThrownBy(() -> ChangeEventCodec.decode(json("{\"type\":\"sample_exploded\"}")))
        .isInstanceOf(InvalidEventException.class).hasMessageStartingWith("unparseable event");
    assertThatThrownBy(() -> ChangeEventCodec.decode(new byte[0]))
        .isInstanceOf(InvalidEventException.class).hasMessage("empty event");
  }

  @Test
  void rejectsEventsThatCannotBeIndexed() {
    assertThatThrownBy(() -> ChangeEventCodec.decode(json("{\"type\":\"sample_added\",\"dataset\":\"demo\"}")))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("missing field: sampleId")
        .hasMessageContaining("missing field: imageUri or embeddings");
    assertThatThrownBy(() -> ChangeEventCodec.decode(json(
        "{\"type\":\"sample_added\",\"dataset\":\"a/b\",\"sampleId\":\"s\",\"imageUri\":\"x.jpg\"}")))
        .isInstanceOf(InvalidEventException.class).hasMessageContaining("dataset 'a/b'");
    assertThatThrownBy(() -> ChangeEventCodec.decode(json("""
        {"type":"sample_added","dataset":"d","sampleId":"s","embeddings":{"k":[]},
         "patches":[{"labelId":"p","boundingBox":[0.8,0,0.5,0.5]},{"labelId":"p","boundingBox":[0,0,1,1]}]}""")))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("embeddings.k is empty")
        .hasMessageContaining("is not inside [0, 1]")
        .hasMessageContaining("duplicate patch labelId 'p'");
  }

  @Test
  void aJsonNullValueIsAnEmptyEventNotACrash() {
    for (String text : List.of("null", "  null\n")) {
      assertThatThrownBy(() -> ChangeEventCodec.decode(json(text)))
          .isInstanceOfSatisfying(InvalidEventException.class,
              e -> assertThat(e.reason()).isEqualTo(InvalidEventReason.EMPTY))
          .hasMessageStartingWith("empty event");
    }
    assertThatThrownBy(() -> ChangeEventCodec.decode(null))
        .isInstanceOfSatisfying(InvalidEventException.class,
            e -> assertThat(e.reason()).isEqualTo(InvalidEventReason.EMPTY));
  }

  @Test
  void everyRefusalCarriesATypedReason() {
    assertThat(reasonOf("{not json")).isEqualTo(InvalidEventReason.UNPARSEABLE);
    assertThat(reasonOf("{\"type\":\"sample_exploded\"}")).isEqualTo(InvalidEventReason.UNPARSEABLE);
    assertThat(reasonOf("[1, 2]")).isEqualTo(InvalidEventReason.UNPARSEABLE);
    assertThat(reasonOf("{\"type\":\"sample_deleted\",\"dataset\":\"demo\"}"))
        .isEqualTo(InvalidEventReason.MISSING_FIELD);
    assertThat(reasonOf("{\"type\":\"sample_deleted\",\"dataset\":\"a b\",\"sampleId\":\"s\"}"))
        .isEqualTo(InvalidEventReason.INVALID_VALUE);
    assertThat(reasonOf("{\"type\":\"sample_added\",\"schemaVersion\":9,\"dataset\":\"d\",\"sampleId\":\"s\","
        + "\"embeddings\":{\"k\":[1]}}"))
        .isEqualTo(InvalidEventReason.UNSUPPORTED_VERSION);
    assertThat(InvalidEventReason.EMPTY.unreadable()).isTrue();
    assertThat(InvalidEventReason.UNPARSEABLE.unreadable()).isTrue();
    assertThat(InvalidEventReason.MISSING_FIELD.unreadable()).isFalse();
    assertThat(InvalidEventReason.INVALID_ID.unreadable()).isFalse();
  }

  @Test
  void idsElasticsearchWouldRefuseAreInvalidAtDecode() throws Exception {
    String longest = "é".repeat(256); // 512 UTF-8 bytes: the most an Elasticsearch _id may have
    ChangeEvent fits = ChangeEventCodec.decode(json(
        "{\"type\":\"sample_deleted\",\"dataset\":\"d\",\"sampleId\":\"" + longest + "\"}"));
    assertThat(fits.sampleId()).isEqualTo(longest);

    String tooLong = longest + "x"; // 257 characters but 513 bytes
    assertThatThrownBy(() -> ChangeEventCodec.decode(json(
        "{\"type\":\"sample_deleted\",\"dataset\":\"d\",\"sampleId\":\"" + tooLong + "\"}")))
        .isInstanceOfSatisfying(InvalidEventException.class,
            e -> assertThat(e.reason()).isEqualTo(InvalidEventReason.INVALID_ID))
        .hasMessageContaining("sampleId").hasMessageContaining("513 bytes").hasMessageContaining("512");
    assertThatThrownBy(() -> ChangeEventCodec.decode(json("{\"type\":\"sample_added\",\"dataset\":\"d\","
        + "\"sampleId\":\"s\",\"patches\":[{\"labelId\":\"" + "l".repeat(600) + "\",\"boundingBox\":[0,0,1,1]}]}")))
        .isInstanceOfSatisfying(InvalidEventException.class,
            e -> assertThat(e.reason()).isEqualTo(InvalidEventReason.INVALID_ID))
        .hasMessageContaining("patches[].labelId").hasMessageContaining("600 bytes");
    // A lone surrogate has no UTF-8 form: Elasticsearch would store a replacement character instead.
    assertThatThrownBy(() -> ChangeEventCodec.decode(json(
        "{\"type\":\"sample_deleted\",\"dataset\":\"d\",\"sampleId\":\"a\\ud800b\"}")))
        .isInstanceOfSatisfying(InvalidEventException.class,
            e -> assertThat(e.reason()).isEqualTo(InvalidEventReason.INVALID_ID))
        .hasMessageContaining("unpaired surrogate");
  }

  private static InvalidEventReason reasonOf(String text) {
    try {
      ChangeEventCodec.decode(json(text));
    } catch (InvalidEventException e) {
      return e.reason();
    }
    throw new AssertionError("decoded without complaint: " + text);
  }

  @Test
  void sampleKeysSplitAtTheFirstSlash() {
    assertThat(SampleKey.parse("demo/a/b")).isEqualTo(new SampleKey("demo", "a/b"));
    assertThat(new SampleKey("demo", "a/b").toString()).isEqualTo("demo/a/b");
    assertThatThrownBy(() -> SampleKey.parse("nodataset")).isInstanceOf(IllegalArgumentException.class);
  }
}
