package io.simstream.cli.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.simstream.cli.source.BadInputException;
import io.simstream.cli.source.SourceSample;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SyncDiffTest {
  private static SourceSample sample(String id, String hash, String origin) {
    return new SourceSample(id, "file:///" + id, null, null, hash, origin);
  }

  @Test
  void classifiesNewChangedUnchangedAndGone() throws Exception {
    SyncDiff diff = new SyncDiff(Map.of("kept", "h1", "edited", "h2", "removed", "h3", "also-removed", "h4"));

    assertThat(diff.classify(sample("kept", "h1", "line 1"))).isEqualTo(SyncDiff.Change.UNCHANGED);
    assertThat(diff.classify(sample("edited", "h2-new", "line 2"))).isEqualTo(SyncDiff.Change.CHANGED);
    assertThat(diff.classify(sample("fresh", "h5", "line 3"))).isEqualTo(SyncDiff.Change.NEW);
    assertThat(diff.gone()).containsExactly("also-removed", "removed");
  }

  @Test
  void aRepeatedIdIsBadInputNamingBothPlaces() throws Exception {
    SyncDiff diff = new SyncDiff(Map.of());
    diff.classify(sample("a", "h", "m.jsonl line 1"));

    assertThatThrownBy(() -> diff.classify(sample("a", "h", "m.jsonl line 7")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("m.jsonl line 7")
        .hasMessageContaining("m.jsonl line 1");
  }

  @Test
  void anEmptySourceIsRefusedOnlyWhenSamplesWereProducedBefore() throws Exception {
    SyncDiff emptied = new SyncDiff(Map.of("a", "h1", "b", "h2"));
    assertThatThrownBy(() -> emptied.refuseEmptySource("folder /mnt/photos"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("folder /mnt/photos holds no samples")
        .hasMessageContaining("delete all 2 samples")
        .hasMessageContaining("--allow-empty");

    new SyncDiff(Map.of()).refuseEmptySource("an empty first input");
    SyncDiff oneLeft = new SyncDiff(Map.of("a", "h1", "b", "h2"));
    oneLeft.classify(sample("a", "h1", "line 1"));
    oneLeft.refuseEmptySource("a source of one sample");
    assertThat(oneLeft.gone()).containsExactly("b");
  }
}
