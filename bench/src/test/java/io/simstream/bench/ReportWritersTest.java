package io.simstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.simstream.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The three outputs from a fixed report, without servers: fast feedback on the writers alone. */
class ReportWritersTest {
  private static final BenchReport REPORT = new BenchReport(Instant.parse("2026-11-29T20:00:00Z"), "smoke",
      "2 CPUs", "8.19.21", "4.4.0", 61.5, 1.0, 2.0, List.of(
          new CaseResult("ingest", "Ingest", List.of(
              Figure.throughput("ingest int8_hnsw", "vectors/s", 1_200, "raw bulk loader", 1_300, 0.9)),
              List.of("512-d")),
          new CaseResult("query", "Query", List.of(
              Figure.latency("query p50", 4.5, "direct knn p50", 3.0, "difference <= 2.0 ms", true),
              Figure.of("recall@10", Figure.Kind.QUALITY, "", 0.97).asHeadline()), List.of()),
          new CaseResult("backfill", "FAILED", List.of(), List.of("failed: boom"))));

  @Test
  void writesJsonSummaryAndChart(@TempDir Path dir) throws Exception {
    Path json = ResultsWriter.write(REPORT, dir.resolve("r.json"));
    Path chart = ChartWriter.write(REPORT, dir.resolve("r.png")).orElseThrow();
    Path summary = SummaryWriter.write(REPORT, Optional.of(chart), dir.resolve("r.md"));

    assertThat(Json.MAPPER.readValue(json.toFile(), BenchReport.class)).isEqualTo(REPORT);
    assertThat(Files.size(chart)).isGreaterThan(10_000);
    assertThat(Files.readString(summary))
        .contains("![throughput and latency per case](r.png)")
        .contains("| ingest | ingest int8_hnsw | 1,200 vectors/s | 1,300 vectors/s (raw bulk loader) | 0.92 | "
            + "ratio >= 0.9 | yes |")
        .contains("| query | query p50 | 4.50 ms | 3.00 ms (direct knn p50) | +1.5 ms | difference <= 2.0 ms | yes |")
        .contains("| query | recall@10 | 0.970 |")
        .contains("- failed: boom");
  }

  @Test
  void noChartWithoutCeilings(@TempDir Path dir) throws Exception {
    BenchReport bare = new BenchReport(REPORT.startedAt(), "smoke", "2 CPUs", "8.19.21", "4.4.0", 1, 0, 0,
        List.of());
    assertThat(ChartWriter.write(bare, dir.resolve("r.png"))).isEmpty();
  }
}
