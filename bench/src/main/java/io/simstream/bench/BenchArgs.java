package io.simstream.bench;

import io.simstream.elasticsearch.IndexMapping;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The command line: {@code [--scale smoke|small|full] [--cases a,b] [--out DIR] [--backfill-samples N]
 * [--chaos-kills N] [--elasticsearch-cpus N] [--recall-index-options TYPE]
 * [--indexer-class-archive on|off] [--latency-rate EVENTS_PER_SECOND]}.
 */
record BenchArgs(Scale scale, List<String> cases, Path outDir, CpuSplit cpuSplit) {
  static final String USAGE = "usage: java -jar bench/target/simstream-bench.jar [--scale smoke|small|full] "
      + "[--cases " + String.join(",", BenchMain.CASES) + "] [--out bench-results] [--backfill-samples N]"
      + " [--chaos-kills N] [--elasticsearch-cpus N] [--recall-index-options TYPE]"
      + " [--indexer-class-archive on|off] [--latency-rate EVENTS_PER_SECOND]";

  static BenchArgs parse(String[] args) {
    Scale scale = Scale.full();
    List<String> cases = BenchMain.CASES;
    Path out = Path.of("bench-results");
    Integer backfillSamples = null;
    Integer chaosKills = null;
    String recallIndexOptions = null;
    Boolean classArchive = null;
    Double latencyRate = null;
    CpuSplit cpuSplit = CpuSplit.NONE;
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--scale" -> scale = Scale.named(required(args[i], value));
        case "--cases" -> cases = Arrays.stream(required(args[i], value).split(",")).map(String::trim).toList();
        case "--out" -> out = Path.of(required(args[i], value));
        case "--backfill-samples" -> backfillSamples = Integer.parseInt(required(args[i], value));
        case "--chaos-kills" -> chaosKills = Integer.parseInt(required(args[i], value));
        case "--recall-index-options" -> recallIndexOptions = required(args[i], value);
        case "--indexer-class-archive" -> classArchive = switch (required(args[i], value)) {
          case "on" -> true;
          case "off" -> false;
          default -> throw new IllegalArgumentException("--indexer-class-archive must be on or off");
        };
        case "--latency-rate" -> latencyRate = Double.parseDouble(required(args[i], value));
        case "--elasticsearch-cpus" -> cpuSplit = new CpuSplit(Integer.parseInt(required(args[i], value)));
        default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
      }
      i++;
    }
    for (String name : cases) {
      if (!BenchMain.CASES.contains(name)) {
        throw new IllegalArgumentException("unknown case '" + name + "'");
      }
    }
    if (backfillSamples != null) {
      scale = scale.withBackfillSamples(backfillSamples);
    }
    if (chaosKills != null) {
      scale = scale.withChaosKills(chaosKills);
    }
    if (classArchive != null) {
      scale = scale.withChaosClassArchive(classArchive);
    }
    if (recallIndexOptions != null) {
      if (!IndexMapping.INDEX_OPTIONS.contains(recallIndexOptions)) {
        throw new IllegalArgumentException("--recall-index-options must be one of " + IndexMapping.INDEX_OPTIONS);
      }
      scale = scale.withRecallIndexOptions(recallIndexOptions);
    }
    if (latencyRate != null) {
      if (!(latencyRate > 0)) {
        throw new IllegalArgumentException("--latency-rate must be a positive number of events per second");
      }
      scale = scale.withLatencyRate(latencyRate);
    }
    return new BenchArgs(scale, cases, out, cpuSplit);
  }

  private static String required(String flag, String value) {
    if (value == null) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return value;
  }
}
