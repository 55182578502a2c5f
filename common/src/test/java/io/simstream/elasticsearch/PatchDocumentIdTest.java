package io.simstream.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import io.simstream.event.DocumentIds;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PatchDocumentIdTest {

  @Test
  void separatorsInsideIdsDoNotMakeTwoPairsShareAnId() {
    // Without the length prefix both would read "a:b:c".
    assertThat(PatchDocumentId.of("a:b", "c")).isNotEqualTo(PatchDocumentId.of("a", "b:c"));
    assertThat(PatchDocumentId.of("a:b", "c")).isEqualTo("3:a:b:c");
    assertThat(PatchDocumentId.of("a", "b:c")).isEqualTo("1:a:b:c");
  }

  @Test
  void theLengthPrefixCountsUtf8Bytes() {
    assertThat(PatchDocumentId.of("é😀x", "L")).isEqualTo("7:é😀x:L");
    assertThat(PatchDocumentId.utf8Length("é😀x")).isEqualTo("é😀x".getBytes(StandardCharsets.UTF_8).length);
  }

  @Test
  void pairsOfLongIdsAreHashedToAValidIdAndStayDistinct() {
    String sample = "s".repeat(DocumentIds.MAX_UTF8_BYTES);
    String first = PatchDocumentId.of(sample, "label-1");
    String second = PatchDocumentId.of(sample, "label-2");
    assertThat(first).startsWith("sha256:").isNotEqualTo(second);
    assertThat(first.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(DocumentIds.MAX_UTF8_BYTES);
    assertThat(DocumentIds.problem("id", first)).isEmpty();
    assertThat(PatchDocumentId.of(sample, "label-1")).isEqualTo(first);
  }

  @Test
  void theLongestPlainFormStillFits() {
    String sample = "s".repeat(100);
    String label = "l".repeat(DocumentIds.MAX_UTF8_BYTES - "100::".length() - 100);
    assertThat(PatchDocumentId.of(sample, label)).hasSize(DocumentIds.MAX_UTF8_BYTES).startsWith("100:");
    assertThat(PatchDocumentId.of(sample, label + "l")).startsWith("sha256:");
  }
}
