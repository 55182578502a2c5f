package io.simstream.bench;

import io.simstream.config.Setting;
import io.simstream.config.Settings;
import io.simstream.config.SimstreamConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Case 6: the index equals the dataset whatever happens to the processes around it. A child indexer
 * is fed a random history of adds, updates and deletes while it is killed with SIGKILL at random
 * moments, Elasticsearch and the broker are restarted, and a second instance joins before the first
 * is killed for good; after each phase every run's index is compared with the dataset. The restart
 * time is the one operators feel: from launching the JVM again to its first Elasticsearch write.
 */
final class ChaosCase implements BenchCase {
  static final String NAME = "chaos";
  static final String EXACT_FIGURE = "exact convergence, every phase and run";
  static final String RESTART_MEDIAN_FIGURE = "restart-to-first-write median";
  static final String UNEXPECTED_EXITS_FIGURE = "indexer exits not caused by the bench";
  static final double RESTART_TARGET_MS = 5_000;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public CaseResult run(BenchStack stack, Scale scale) throws Exception {
    Scale.Chaos chaos = scale.chaos();
    String prefix = stack.uniqueName("chaos");
    boolean ownServers = chaos.phases().stream().anyMatch(ChaosPhase::restartsServers);
    try (ChaosServers servers = ownServers
        ? ChaosServers.dedicated(stack.workDir().resolve(prefix + "-servers"), stack.elasticsearchVersion())
        : ChaosServers.shared()) {
      SimstreamConfig config = stack.configFor(Map.<Setting<?>, String>of(
          Settings.KAFKA_BOOTSTRAP_SERVERS, servers.bootstrapServers(),
          Settings.ES_HOSTS, servers.elasticsearchUrl(),
          Settings.TOPIC_CHANGES, prefix + ".changes",
          Settings.TOPIC_RUNS, prefix + ".runs",
          Settings.TOPIC_DATASETS, prefix + ".datasets",
          Settings.TOPIC_DEAD_LETTERS, prefix + ".dead-letters",
          Settings.INDEXER_APPLICATION_ID, prefix + "-indexer"));
      IndexerClassArchive classArchive = chaos.classArchive() ? IndexerClassArchive.dump(stack.workDir())
          : IndexerClassArchive.off("--indexer-class-archive off");
      System.out.println("chaos: class-data archive " + classArchive.description());
      try (ChaosRun run = new ChaosRun(servers, chaos, config, stack.workDir(), prefix,
          stack.elasticsearchVersion(), classArchive)) {
        run.execute();
        return result(run, chaos, servers.describe(), classArchive);
      }
    }
  }

  private static CaseResult result(ChaosRun run, Scale.Chaos chaos, String servers, IndexerClassArchive archive) {
    List<Figure> figures = new ArrayList<>();
    boolean exact = run.phases.stream().allMatch(ChaosRun.PhaseResult::converged);
    figures.add(Figure.of(EXACT_FIGURE, Figure.Kind.QUALITY, Figure.YES_NO, exact ? 1 : 0)
        .withTarget("0 missing, 0 ghosts, 0 wrong vectors", exact).asHeadline());
    if (!run.restartToFirstWriteMs.isEmpty()) {
      double median = Stats.percentile(run.restartToFirstWriteMs, 50);
      double min = Collections.min(run.restartToFirstWriteMs);
      double max = Collections.max(run.restartToFirstWriteMs);
      figures.add(Figure.of(RESTART_MEDIAN_FIGURE, Figure.Kind.LATENCY, "ms", median)
          .withTarget("<= " + (int) RESTART_TARGET_MS + " ms", median <= RESTART_TARGET_MS).asHeadline());
      figures.add(Figure.of("restart-to-first-write min", Figure.Kind.LATENCY, "ms", min));
      figures.add(Figure.of("restart-to-first-write max", Figure.Kind.LATENCY, "ms", max));
      System.out.printf("chaos: restart-to-first-write after kill -9 over %d restarts: min %.0f ms, median %.0f ms,"
              + " max %.0f ms%n", run.restartToFirstWriteMs.size(), min, median, max);
    }
    run.recoveries.forEach((name, ms) -> {
      figures.add(Figure.of(name, Figure.Kind.LATENCY, "ms", ms));
      System.out.printf("chaos: %s %.0f ms%n", name, ms);
    });
    figures.add(Figure.of(UNEXPECTED_EXITS_FIGURE, Figure.Kind.QUALITY, "exits",
        run.unexpectedExits).withTarget("0", run.unexpectedExits == 0));
    for (ChaosRun.PhaseResult phase : run.phases) {
      String name = phase.phase().label();
      IndexDiff total = phase.total();
      figures.add(Figure.of(name + ": expected", Figure.Kind.QUALITY, "documents", total.expected()));
      figures.add(Figure.of(name + ": indexed", Figure.Kind.QUALITY, "documents", total.indexed()));
      figures.add(Figure.of(name + ": missing", Figure.Kind.QUALITY, "documents", total.missing()));
      figures.add(Figure.of(name + ": ghosts", Figure.Kind.QUALITY, "documents", total.ghosts()));
      figures.add(Figure.of(name + ": wrong vectors", Figure.Kind.QUALITY, "documents", total.wrongVectors()));
      figures.add(Figure.of(name + ": converged in", Figure.Kind.RESOURCE, "s", phase.convergeSeconds()));
      phase.perRun().forEach((brainKey, diff) -> System.out.printf("chaos %s, run %s: %s (%s in %.1f s, %d changes "
              + "in the phase)%n", name, brainKey, diff, phase.converged() ? "converged" : "NOT converged",
          phase.convergeSeconds(), phase.events()));
    }
    run.incidents.forEach(incident -> System.out.println("chaos: " + incident));

    List<String> notes = new ArrayList<>();
    notes.add("phases, in order: " + chaos.phases().stream().map(ChaosPhase::label).collect(Collectors.joining(", "))
        + "; " + chaos.kills() + " kill -9s in the kills phase, each " + "0.5-4 s after the last restart's first "
        + "write; servers: " + servers);
    notes.add("changes: a seeded random history over " + chaos.samples() + " sample ids (30% of changes to a live "
        + "sample delete it, the rest add or update it with a fresh " + ChaosRun.DIMS + "-d precomputed vector), sent "
        + "at " + (int) chaos.eventsPerSecond() + "/s for as long as each phase's disruptions last; changes per phase: "
        + run.phases.stream().map(p -> p.phase().label() + " " + p.events()).collect(Collectors.joining(", ")));
    notes.add("runs compared: " + run.runs().stream().map(r -> r.brainKey() + " (" + r.metric().apiName() + ", "
        + r.indexOptions() + ")").collect(Collectors.joining(", ")) + "; after each phase every index is read whole "
        + "and compared with the dataset by id and vector (missing, ghosts, wrong vectors summed over the runs), "
        + "polling each second up to " + chaos.convergeTimeout().toMinutes() + " min, then once more after the "
        + "indexer's consumer group has committed every change");
    notes.add("restart-to-first-write: from launching the indexer JVM again after a kill -9 to the first poll "
        + "(every 50 ms) of its admin /metrics that shows " + ChildIndexer.WRITES_METRIC + " above 0, i.e. a "
        + "bulk item Elasticsearch took; a restart without a write in " + ChaosRun.FIRST_WRITE_TIMEOUT.toSeconds()
        + " s counts as that long; class-data archive of the indexer JVMs: " + archive.description());
    notes.add("server restarts are clean stops (SIGTERM) followed by a start on the same data; \"back to first "
        + "write\" is from the server serving again to the indexer's next write; the two-instances phase starts "
        + "instance b next to a, then kills a and does not restart it");
    notes.add("incidents: " + (run.incidents.isEmpty() ? "none" : String.join("; ", run.incidents)));
    notes.add("indexer logs: " + run.indexerLogs.stream().map(p -> p.getFileName().toString())
        .collect(Collectors.joining(", ")) + " in " + (run.indexerLogs.isEmpty() ? "-"
        : run.indexerLogs.get(0).getParent()));
    return new CaseResult(NAME, "Chaos: kill -9s, server restarts and a lost instance; index = dataset after each",
        figures, notes);
  }
}
