package io.simstream.bench;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/**
 * One PNG: throughputs (left) and latencies (right) of the headline figures, simstream beside the
 * ceiling measured in the same run. Both axes are logarithmic: images/s and vectors/s, or 2 ms and
 * 2 s, share a panel.
 */
final class ChartWriter {
  private static final int PANEL_WIDTH = 800;
  private static final int HEIGHT = 600;

  private ChartWriter() {
  }

  /** Writes the chart, or nothing when no headline figure has a ceiling. */
  static Optional<Path> write(BenchReport report, Path file) throws IOException {
    List<BufferedImage> panels = new ArrayList<>();
    panel(report, Figure.Kind.THROUGHPUT, "Throughput (per second, log scale)").ifPresent(panels::add);
    panel(report, Figure.Kind.LATENCY, "Latency (ms, log scale)").ifPresent(panels::add);
    if (panels.isEmpty()) {
      return Optional.empty();
    }
    BufferedImage image = new BufferedImage(PANEL_WIDTH * panels.size(), HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, image.getWidth(), HEIGHT);
    for (int i = 0; i < panels.size(); i++) {
      g.drawImage(panels.get(i), i * PANEL_WIDTH, 0, null);
    }
    g.dispose();
    Files.createDirectories(file.toAbsolutePath().getParent());
    ImageIO.write(image, "png", file.toFile());
    return Optional.of(file);
  }

  private static Optional<BufferedImage> panel(BenchReport report, Figure.Kind kind, String title) {
    List<String> names = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    List<Double> ceilings = new ArrayList<>();
    for (CaseResult result : report.cases()) {
      for (Figure figure : result.figures()) {
        if (figure.headline() && figure.kind() == kind && figure.ceiling() != null && figure.value() > 0
            && figure.ceiling() > 0) {
          names.add(figure.name() + " (" + figure.unit() + ")");
          values.add(figure.value());
          ceilings.add(figure.ceiling());
        }
      }
    }
    if (names.isEmpty()) {
      return Optional.empty();
    }
    CategoryChart chart = new CategoryChartBuilder().width(PANEL_WIDTH).height(HEIGHT).title(title).build();
    chart.getStyler().setYAxisLogarithmic(true);
    // Bars start from the axis minimum, which XChart puts at 0 unless told: a power of ten below the data.
    double smallest = Math.min(values.stream().mapToDouble(Double::doubleValue).min().orElseThrow(),
        ceilings.stream().mapToDouble(Double::doubleValue).min().orElseThrow());
    chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(Math.max(smallest, 1e-3)))));
    chart.getStyler().setXAxisLabelRotation(20);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.addSeries("simstream", names, values);
    chart.addSeries("ceiling (same run)", names, ceilings);
    return Optional.of(BitmapEncoder.getBufferedImage(chart));
  }
}
