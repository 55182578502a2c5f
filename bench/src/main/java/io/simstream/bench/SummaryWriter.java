package io.simstream.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;

/** The human-readable summary: headline figures with their ceilings first, then every case in detail. */
final class SummaryWriter {
  private SummaryWriter() {
  }

  static Path write(BenchReport report, Optional<Path> chart, Path file) throws IOException {
    StringBuilder md = new StringBuilder();
    md.append("# simstream bench, ").append(report.scale()).append(" scale\n\n");
    md.append(String.format(Locale.ROOT, "Started %s UTC on %s; Elasticsearch %s, Kafka %s; %.0f s in all; "
            + "load average %.1f at the start, %.1f at the end.%n%n",
        DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").format(report.startedAt().atOffset(ZoneOffset.UTC)),
        report.machine(), report.elasticsearchVersion(), report.kafkaVersion(), report.wallSeconds(),
        report.loadAverageAtStart(), report.loadAverageAtEnd()));
    chart.ifPresent(c -> md.append("![throughput and latency per case](").append(c.getFileName()).append(")\n\n"));
    md.append("| case | figure | simstream | ceiling (same run) | ratio / difference | target | met |\n");
    md.append("|---|---|---:|---:|---:|---|---|\n");
    for (CaseResult result : report.cases()) {
      for (Figure f : result.figures()) {
        if (f.headline()) {
          md.append("| ").append(result.name()).append(" | ").append(f.name()).append(" | ")
              .append(value(f.value(), f.unit())).append(" | ")
              .append(f.ceiling() == null ? "" : value(f.ceiling(), f.unit()) + " (" + f.ceilingName() + ")")
              .append(" | ").append(comparison(f)).append(" | ").append(f.target() == null ? "" : f.target())
              .append(" | ").append(f.met() == null ? "" : f.met() ? "yes" : "**no**").append(" |\n");
        }
      }
    }
    for (CaseResult result : report.cases()) {
      md.append("\n## ").append(result.name()).append(": ").append(result.title()).append("\n\n");
      result.notes().forEach(note -> md.append("- ").append(note).append('\n'));
      md.append("\n| figure | value | ceiling |\n|---|---:|---:|\n");
      for (Figure f : result.figures()) {
        md.append("| ").append(f.name()).append(" | ").append(value(f.value(), f.unit())).append(" | ")
            .append(f.ceiling() == null ? "" : value(f.ceiling(), f.unit())).append(" |\n");
      }
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, md);
    return file;
  }

  /** Large figures whole, small ones with the precision that matters: ms to 0.01, recall to 0.001. */
  static String value(double value, String unit) {
    if (unit.equals(Figure.YES_NO)) {
      return value > 0 ? "yes" : "no";
    }
    String format;
    if (Math.abs(value) >= 100) {
      format = "%,.0f";
    } else if (unit.isEmpty()) {
      format = "%.3f";
    } else if (!unit.equals("ms") && value == Math.rint(value)) {
      format = "%.0f";
    } else {
      format = Math.abs(value) >= 10 ? "%.1f" : "%.2f";
    }
    String number = String.format(Locale.ROOT, format, value);
    return unit.isEmpty() ? number : number + " " + unit;
  }

  private static String comparison(Figure f) {
    if (f.comparison() == null) {
      return "";
    }
    return f.kind() == Figure.Kind.LATENCY
        ? String.format(Locale.ROOT, "%+.1f ms", f.comparison())
        : String.format(Locale.ROOT, "%.2f", f.comparison());
  }
}
