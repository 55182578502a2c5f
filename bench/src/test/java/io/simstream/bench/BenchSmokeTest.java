package io.simstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.json.Json;
import io.simstream.run.Metric;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every case at smoke scale against the real embedded stack, so the bench cannot rot: the results
 * file, the summary and the chart are written, and every figure is sane. The numbers themselves are
 * not judged here; CI machines vary too much.
 */
class BenchSmokeTest {
  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G'};

  @Test
  void everyCaseRunsAtSmokeScaleAndWritesResultsSummaryAndChart(@TempDir Path out) throws Exception {
    BenchMain.Outputs outputs = BenchMain.run(Scale.smoke(), BenchMain.CASES, out, CpuSplit.NONE);

    BenchReport report = outputs.report();
    assertThat(report.cases()).extracting(CaseResult::name).containsExactlyElementsOf(BenchMain.CASES);
    for (CaseResult result : report.cases()) {
      assertThat(result.title()).as("case %s: %s", result.name(), result.notes()).isNotEqualTo(BenchMain.FAILED);
      for (Figure figure : result.figures()) {
        assertThat(figure.value()).as(figure.name()).isFinite().isGreaterThanOrEqualTo(0);
        if (figure.ceiling() != null) {
          assertThat(figure.ceiling()).as(figure.name() + " ceiling").isFinite().isPositive();
        }
      }
    }
    Figure ingest = report.cases().get(0).figure(IngestCase.ceilingFigureName());
    assertThat(ingest.value()).isPositive();
    assertThat(ingest.comparison()).isPositive();
    CaseResult latency = report.cases().get(1);
    assertThat(latency.figure("event-to-searchable p99").value())
        .isGreaterThanOrEqualTo(latency.figure("event-to-searchable p50").value()).isPositive();
    assertThat(latency.figure("tracked events never seen (simstream)").value()).isZero();
    CaseResult query = report.cases().get(2);
    assertThat(query.figure("query p50").value()).isPositive();
    int recallCells = RecallTable.Kind.values().length * Metric.values().length * Scale.smoke().recallSizes().size();
    // One by-vector figure, the trade-off rows, the two table headlines, and mean, min, previous rule per cell.
    assertThat(query.figures()).filteredOn(f -> f.name().startsWith("recall@10"))
        .hasSize(1 + 2 * QueryCase.NUM_CANDIDATES.length + 2 + 3 * recallCells)
        .allSatisfy(f -> assertThat(f.value()).isBetween(0.0, 1.0));
    // On the smoke's few hundred documents the API's candidates cover most of each index.
    assertThat(query.figure("recall@10, lowest mean of any kind x metric x size").met()).isTrue();
    assertThat(query.figure("queries/s, " + QueryCase.CONCURRENT_CLIENTS + " concurrent clients").value())
        .isPositive();
    assertThat(report.cases().get(3).figure("embed images").value()).isPositive();
    assertThat(report.cases().get(3).figure("cores busy, through the indexer").value()).isPositive();
    CaseResult backfill = report.cases().get(4);
    assertThat(backfill.figure("passes with " + BackfillCase.HEAP).value()).isEqualTo(1);
    assertThat(backfill.figure("documents indexed").value()).isEqualTo(Scale.smoke().backfillSamples());
    assertThat(backfill.figure("indexer peak RSS (VmHWM)").value()).isPositive();
    CaseResult chaos = report.cases().get(5);
    assertThat(chaos.figure(ChaosCase.EXACT_FIGURE).value()).as("%s", chaos.notes()).isEqualTo(1);
    assertThat(chaos.figure(ChaosCase.UNEXPECTED_EXITS_FIGURE).value()).as("%s", chaos.notes()).isZero();
    assertThat(chaos.figure(ChaosCase.RESTART_MEDIAN_FIGURE).value()).isPositive()
        .isLessThan(ChaosRun.FIRST_WRITE_TIMEOUT.toMillis());
    assertThat(chaos.figure("kills: expected").value()).isPositive()
        .isEqualTo(chaos.figure("kills: indexed").value());
    CaseResult bulkForm = report.cases().get(BenchMain.CASES.indexOf(BulkFormCase.NAME));
    // Without a CPU split the loads with a busy neighbour are left out.
    assertThat(bulkForm.figures()).hasSize(1 + 2 * BulkFormCase.variants(CpuSplit.NONE).size())
        .filteredOn(f -> f.ceiling() != null).allSatisfy(f -> assertThat(f.value()).as(f.name()).isPositive());

    JsonNode json = Json.MAPPER.readTree(outputs.json().toFile());
    assertThat(json.path("cases")).hasSize(BenchMain.CASES.size());
    assertThat(json.path("scale").asText()).isEqualTo("smoke");
    String summary = Files.readString(outputs.summary());
    assertThat(summary).contains("| ingest | " + IngestCase.ceilingFigureName() + " |", "## backfill",
        outputs.chart().orElseThrow().getFileName().toString());
    byte[] png = Files.readAllBytes(outputs.chart().orElseThrow());
    assertThat(Arrays.copyOf(png, 4)).isEqualTo(PNG_SIGNATURE);
    assertThat(png.length).isGreaterThan(10_000);
  }
}
