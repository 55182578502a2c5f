package io.simstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.simstream.elasticsearch.IndexMapping;
import java.util.List;
import org.junit.jupiter.api.Test;

class IngestCaseTest {
  private static final String DEFAULT = IndexMapping.DEFAULT_INDEX_OPTIONS;

  @Test
  void theLatencyCaseCountsOnTheSlowestOfDrainCeilingAndProducingIncluded() {
    assertThat(IngestCase.sustainableRate(ingest(
        IngestCase.drainFigure(DEFAULT, 7_000, 9_000), IngestCase.producingIncludedFigure(DEFAULT, 3_700, 9_000))))
        .contains(3_700.0);
    assertThat(IngestCase.sustainableRate(ingest(
        IngestCase.drainFigure(DEFAULT, 7_000, 9_000), IngestCase.producingIncludedFigure(DEFAULT, 7_500, 9_000))))
        .contains(7_000.0);
    assertThat(IngestCase.sustainableRate(ingest(
        IngestCase.drainFigure(DEFAULT, 9_500, 9_000), IngestCase.producingIncludedFigure(DEFAULT, 9_600, 9_000))))
        .contains(9_000.0);
  }

  @Test
  void otherIndexTypesDoNotSetTheRate() {
    assertThat(IngestCase.sustainableRate(ingest(IngestCase.producingIncludedFigure("int8_hnsw", 1_000, 9_000))))
        .isEmpty();
  }

  private static CaseResult ingest(Figure... figures) {
    return new CaseResult(IngestCase.NAME, "ingest", List.of(figures), List.of());
  }
}
