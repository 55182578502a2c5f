package io.simstream.cli.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestSourceTest {
  @TempDir
  Path dir;

  private List<SourceSample> read(String... lines) throws Exception {
    Path manifest = dir.resolve("samples.jsonl");
    Files.write(manifest, List.of(lines));
    List<SourceSample> samples = new ArrayList<>();
    new ManifestSource(manifest).<RuntimeException>read(samples::add);
    return samples;
  }

  @Test
  void readsEmbeddingsAndPatchesAndSkipsBlankLines() throws Exception {
    List<SourceSample> samples = read(
        "{\"sampleId\": \"s1\", \"imageUri\": \"https://x.example/1.jpg\", \"embeddings\": {\"clip\": [1, 0.5]},"
            + " \"patches\": [{\"labelId\": \"l1\", \"field\": \"gt\", \"label\": \"car\","
            + " \"boundingBox\": [0.1, 0.2, 0.3, 0.4], \"embeddings\": {\"default\": [0, 1]}}]}",
        "",
        "{\"sampleId\": \"s2\", \"imageUri\": \"images/2.jpg\"}");

    assertThat(samples).extracting(SourceSample::sampleId).containsExactly("s1", "s2");
    SourceSample first = samples.get(0);
    assertThat(first.embeddings().get("clip")).containsExactly(1f, 0.5f);
    assertThat(first.patches()).singleElement().satisfies(patch -> {
      assertThat(patch.labelId()).isEqualTo("l1");
      assertThat(patch.field()).isEqualTo("gt");
      assertThat(patch.label()).isEqualTo("car");
      assertThat(patch.boundingBox().width()).isEqualTo(0.3);
      assertThat(patch.embeddings().get("default")).containsExactly(0f, 1f);
    });
    assertThat(first.origin()).endsWith("samples.jsonl line 1");
    assertThat(samples.get(1).imageUri()).isEqualTo(dir.resolve("images/2.jpg").toString());
    assertThat(samples.get(1).origin()).endsWith("line 3");
  }

  @Test
  void theHashIgnoresKeyOrderAndFollowsTheContent() throws Exception {
    List<SourceSample> samples = read(
        "{\"sampleId\": \"a\", \"embeddings\": {\"x\": [1, 2], \"y\": [3, 4]}}",
        "{\"embeddings\": {\"y\": [3, 4], \"x\": [1, 2]}, \"sampleId\": \"b\"}",
        "{\"sampleId\": \"c\", \"embeddings\": {\"x\": [1, 2], \"y\": [3, 5]}}");

    assertThat(samples.get(0).contentHash()).isEqualTo(samples.get(1).contentHash());
    assertThat(samples.get(2).contentHash()).isNotEqualTo(samples.get(0).contentHash());
  }

  @Test
  void aBadLineIsNamedWithItsNumber() {
    assertThatThrownBy(() -> read("{\"sampleId\": \"a\", \"embeddings\": {\"x\": [1]}}", "{not json"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("samples.jsonl line 2");
    assertThatThrownBy(() -> read("{\"imageUri\": \"a.jpg\"}"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("line 1")
        .hasMessageContaining("sampleId");
  }

  @Test
  void twoObjectsOrJunkAfterTheObjectAreBadInputNamingTheLine() {
    // cat a.jsonl b.jsonl, a without its last newline: read as "a" alone, a sync then deleted "b".
    assertThatThrownBy(() -> read("{\"sampleId\": \"x\"}", "{\"sampleId\": \"a\"}{\"sampleId\": \"b\"}"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("samples.jsonl line 2: not a manifest entry")
        .hasMessageContaining("Trailing token");
    assertThatThrownBy(() -> read("{\"sampleId\": \"a\"} x"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("samples.jsonl line 1: not a manifest entry");
  }

  @Test
  void anImageUriThatIsNoPathIsBadInputNamingTheLine() {
    assertThatThrownBy(() -> read("{\"sampleId\": \"a\"}", "{\"sampleId\": \"b\", \"imageUri\": \"b\\u0000.jpg\"}"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("samples.jsonl line 2: imageUri is not a path")
        .hasMessageContaining("Nul character");
  }

  @Test
  void nullsInsideALineAreBadInputNamingTheLine() {
    assertThatThrownBy(() -> read("{\"sampleId\": \"a\", \"embeddings\": {\"clip\": null}}"))
        .isInstanceOf(BadInputException.class).hasMessageContaining("line 1").hasMessageContaining("clip");
    assertThatThrownBy(() -> read("{\"sampleId\": \"a\", \"embeddings\": {\"x\": [1]}}",
        "{\"sampleId\": \"b\", \"patches\": [null]}"))
        .isInstanceOf(BadInputException.class).hasMessageContaining("line 2").hasMessageContaining("patches");
  }

  @Test
  void vectorsMayBeBase64AsInEvents() throws Exception {
    // [1.0, 2.0] as big-endian float32, the events' string form (docs/events.md).
    List<SourceSample> samples = read("{\"sampleId\": \"a\", \"embeddings\": {\"clip\": \"P4AAAEAAAAA=\"}}");
    assertThat(samples.get(0).embeddings().get("clip")).containsExactly(1f, 2f);
  }

  @Test
  void aMissingManifestIsNamed() {
    Path missing = dir.resolve("missing.jsonl");
    assertThatThrownBy(() -> new ManifestSource(missing).count())
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining(missing.toString());
  }
}
