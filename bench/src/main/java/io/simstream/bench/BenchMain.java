package io.simstream.bench;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * Starts the embedded stack, runs the chosen cases in order and writes
 * {@code <out>/<timestamp>.json}, {@code .md} and {@code .png}. A case that fails is recorded as
 * failed and the others still run, so a long run is never lost to one problem.
 */
public final class BenchMain {
  /**
   * Every case, in the order they run; latency uses the ingest ceiling when ingest ran first. Chaos
   * comes late: at full scale it restarts servers of its own, which slows the machine for a while.
   * Produce and bulk-form, added later, go after it so that the other cases keep their places in reports.
   */
  public static final List<String> CASES = List.of(IngestCase.NAME, LatencyCase.NAME, QueryCase.NAME,
      EmbeddingCase.NAME, BackfillCase.NAME, ChaosCase.NAME, ProduceCase.NAME, BulkFormCase.NAME);

  /** The title of a case that threw instead of returning figures. */
  public static final String FAILED = "FAILED";

  private BenchMain() {
  }

  /** Where a run's files went, and what they hold. */
  public record Outputs(Path json, Path summary, Optional<Path> chart, BenchReport report) {
  }

  public static void main(String[] args) throws Exception {
    BenchArgs parsed;
    try {
      parsed = BenchArgs.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(BenchArgs.USAGE);
      System.exit(2);
      return;
    }
    Outputs outputs = run(parsed.scale(), parsed.cases(), parsed.outDir(), parsed.cpuSplit());
    System.out.println("results: " + outputs.json());
    System.out.println("summary: " + outputs.summary());
    outputs.chart().ifPresent(chart -> System.out.println("chart:   " + chart));
    boolean anyFailed = outputs.report().cases().stream().anyMatch(c -> c.title().equals(FAILED));
    // Kafka clients leave non-daemon threads behind; the shutdown hooks stop the servers.
    System.exit(anyFailed ? 1 : 0);
  }

  public static Outputs run(Scale scale, List<String> caseNames, Path outDir, CpuSplit cpuSplit) throws Exception {
    System.setProperty("java.awt.headless", "true");
    Instant started = Instant.now();
    double loadAtStart = loadAverage();
    List<CaseResult> results = new ArrayList<>();
    String esVersion;
    try (BenchStack stack = BenchStack.start(Files.createTempDirectory("simstream-bench"), cpuSplit)) {
      esVersion = stack.elasticsearchVersion();
      for (String name : caseNames) {
        BenchCase benchCase = create(name, results);
        System.out.println("== " + name + " (" + scale.name() + ")");
        try {
          results.add(benchCase.run(stack, scale));
        } catch (Exception | AssertionError e) {
          e.printStackTrace();
          results.add(new CaseResult(name, FAILED, List.of(), List.of("failed: " + e)));
        }
      }
    }
    BenchReport report = new BenchReport(started, scale.name(), machine() + "; " + cpuSplit.describe(), esVersion,
        kafkaVersion(),
        Duration.between(started, Instant.now()).toMillis() / 1e3, loadAtStart, loadAverage(), results);
    String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").format(started.atOffset(ZoneOffset.UTC));
    Path json = ResultsWriter.write(report, outDir.resolve(stamp + ".json"));
    Optional<Path> chart = ChartWriter.write(report, outDir.resolve(stamp + ".png"));
    Path summary = SummaryWriter.write(report, chart, outDir.resolve(stamp + ".md"));
    return new Outputs(json, summary, chart, report);
  }

  private static BenchCase create(String name, List<CaseResult> done) {
    return switch (name) {
      case IngestCase.NAME -> new IngestCase();
      case LatencyCase.NAME -> new LatencyCase(() -> done.stream().filter(r -> r.name().equals(IngestCase.NAME))
          .findFirst().flatMap(IngestCase::sustainableRate));
      case QueryCase.NAME -> new QueryCase();
      case EmbeddingCase.NAME -> new EmbeddingCase();
      case BackfillCase.NAME -> new BackfillCase();
      case ChaosCase.NAME -> new ChaosCase();
      case ProduceCase.NAME -> new ProduceCase();
      case BulkFormCase.NAME -> new BulkFormCase();
      default -> throw new IllegalArgumentException("unknown case '" + name + "'");
    };
  }

  /** The client library's version; the embedded broker is built from the same version property. */
  private static String kafkaVersion() throws IOException {
    Properties properties = new Properties();
    try (InputStream in = BenchMain.class.getResourceAsStream("/kafka/kafka-version.properties")) {
      if (in != null) {
        properties.load(in);
      }
    }
    return properties.getProperty("version", "unknown");
  }

  private static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  private static String machine() {
    return Runtime.getRuntime().availableProcessors() + " CPUs, " + System.getProperty("os.name") + " "
        + System.getProperty("os.arch") + ", Java " + System.getProperty("java.version");
  }
}
