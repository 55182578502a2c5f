package io.simstream.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.simstream.indexer.metrics.IndexerMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The dashboard and alert files without servers: promtool accepts the rules and their unit tests pass, the
 * compose Prometheus configuration loads them, every panel query is valid PromQL naming meters the code
 * exports, and compose and the chart ship the same dashboard file. MonitoringIT runs them on live data.
 */
class MonitoringFilesTest {
  private static final String LAG_RULE = "topic_partition:kafka_consumer_fetch_manager_records_lag:max";
  private final Path root = MonitoringFiles.repositoryRoot();

  @Test
  void alertRulesPassPromtoolCheck() {
    assumePromtool();
    Promtool.Result result = Promtool.promtool(root, "check", "rules", MonitoringFiles.ALERTS);
    System.out.println(result.output());
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("SUCCESS: 9 rules found");
  }

  @Test
  void alertRuleUnitTestsPass() {
    assumePromtool();
    Path tests = root.resolve(MonitoringFiles.ALERT_TESTS);
    Promtool.Result result = Promtool.promtool(tests.getParent(), "test", "rules", tests.getFileName().toString());
    System.out.println(result.output());
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("SUCCESS");
  }

  @Test
  void composePrometheusConfigurationLoadsTheRules(@TempDir Path etc) throws IOException {
    assumePromtool();
    String compose = Files.readString(root.resolve("docker-compose.yml"));
    // The files where docker-compose.yml mounts them, next to each other in /etc/prometheus.
    assertThat(compose).contains("./" + MonitoringFiles.PROMETHEUS_CONFIG + ":/etc/prometheus/prometheus.yml:ro")
        .contains("./" + MonitoringFiles.ALERTS + ":/etc/prometheus/alerts.yml:ro");
    Files.copy(root.resolve(MonitoringFiles.PROMETHEUS_CONFIG), etc.resolve("prometheus.yml"));
    Files.copy(root.resolve(MonitoringFiles.ALERTS), etc.resolve("alerts.yml"));
    Promtool.Result result = Promtool.promtool(etc, "check", "config", "prometheus.yml");
    System.out.println(result.output());
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("alerts.yml").contains("SUCCESS: 9 rules found");
  }

  @Test
  void everyPanelQueryIsValidPromQl(@TempDir Path dir) throws IOException {
    assumePromtool();
    // promtool has no query linter offline; as recording rules, every expression gets parsed.
    StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
    List<MonitoringFiles.PanelQuery> queries = MonitoringFiles.queries(MonitoringFiles.dashboard());
    for (int i = 0; i < queries.size(); i++) {
      rules.append("      - record: dashboard:query_").append(i).append("\n        expr: '")
          .append(queries.get(i).expr().replace("'", "''")).append("'\n");
    }
    Files.writeString(dir.resolve("queries.yml"), rules);
    Promtool.Result result = Promtool.promtool(dir, "check", "rules", "queries.yml");
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("SUCCESS: " + queries.size() + " rules found");
  }

  @Test
  void dashboardHasThePanelsAnOperatorNeeds() throws IOException {
    JsonNode dashboard = MonitoringFiles.dashboard();
    assertThat(dashboard.path("uid").asText()).isEqualTo("simstream-overview");
    List<JsonNode> panels = MonitoringFiles.panels(dashboard);
    assertThat(panels).extracting(panel -> panel.path("title").asText()).containsExactlyInAnyOrder(
        "Events in by type", "Documents out by action", "Dead letters by reason", MonitoringFiles.LAG_PANEL,
        "Backfill progress per run", "Documents per index", "Bulk latency", "Bulks in flight", "Bulk failures and retries",
        "Embedding throughput", "Requests by route and status", "Query latency by route and status (p99)",
        "Heap used", "Off-heap and resident memory", "GC pause time", "CPU and threads");
    Set<Integer> ids = new HashSet<>();
    dashboard.path("panels").forEach(panel -> assertThat(ids.add(panel.path("id").asInt())).as("unique id").isTrue());
    for (JsonNode panel : panels) {
      assertThat(panel.path("datasource").path("uid").asText()).as(panel.path("title").asText())
          .isEqualTo("${datasource}");
      assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
    }
    // Latencies are quantiles of summed buckets (aggregatable over pods), never client-side quantiles.
    MonitoringFiles.queries(dashboard).stream().filter(q -> q.expr().contains("histogram_quantile"))
        .forEach(q -> assertThat(q.expr()).as(q.panel()).contains("_bucket[").contains("by (le"));
    assertThat(MonitoringFiles.queries(dashboard)).filteredOn(q -> q.panel().startsWith("Backfill"))
        .singleElement().extracting(MonitoringFiles.PanelQuery::expr).asString()
        .contains("simstream_indexer_backfill_samples").contains("/").contains("simstream_indexer_backfill_expected");
  }

  @Test
  void queriesOnMetricsAnyProcessExportsPickSimstreamsOwn() throws IOException {
    // jvm_*, process_*, kafka_* and up come from Prometheus itself and any other JVM or Kafka client as well.
    Map<String, String> exprs = new TreeMap<>();
    MonitoringFiles.queries(MonitoringFiles.dashboard()).forEach(q -> exprs.merge("panel " + q.panel(), q.expr(),
        (a, b) -> a + "\n" + b));
    alertRules().forEach(rule -> exprs.put("rule " + (rule.containsKey("alert") ? rule.get("alert") : rule.get("record")),
        (String) rule.get("expr")));
    List<String> selectors = new ArrayList<>();
    exprs.forEach((name, expr) -> MonitoringFiles.genericSelectors(expr).forEach(selector -> {
      selectors.add(selector);
      assertThat(selector).as(name).contains(selector.startsWith("up{") ? MonitoringFiles.SIMSTREAM_JOB
          : MonitoringFiles.SIMSTREAM_APPLICATION);
    }));
    assertThat(selectors).as("the selectors checked").anyMatch(s -> s.startsWith("jvm_memory_used_bytes{"))
        .anyMatch(s -> s.startsWith("process_cpu_seconds_total{"))
        .anyMatch(s -> s.startsWith("kafka_consumer_fetch_manager_records_lag{"))
        .anyMatch(s -> s.startsWith("kafka_stream_alive_stream_threads{")).anyMatch(s -> s.startsWith("up{"));
    assertThat(MonitoringFiles.genericSelectors("sum(topic_partition:kafka_consumer_fetch_manager_records_lag:max)"
        + " and label_replace(up{job=\"a\"}, \"x\", \"kafka_y\", \"\", \"\")")).containsExactly("up{job=\"a\"}");
  }

  @Test
  void lagPanelRunsTheRecordingRuleThatAlertsUse() throws IOException {
    Map<String, Object> alerts = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(root.resolve(MonitoringFiles.ALERTS)));
    String recorded = ((List<?>) alerts.get("groups")).stream()
        .flatMap(group -> ((List<?>) ((Map<?, ?>) group).get("rules")).stream()).map(rule -> (Map<?, ?>) rule)
        .filter(rule -> LAG_RULE.equals(rule.get("record"))).map(rule -> (String) rule.get("expr"))
        .findFirst().orElseThrow(() -> new AssertionError("no rule " + LAG_RULE + " in " + MonitoringFiles.ALERTS));
    // alerts-test.yml checks what the expression keeps; here, that the panel shows the same.
    assertThat(MonitoringFiles.queries(MonitoringFiles.dashboard()))
        .filteredOn(q -> q.panel().equals(MonitoringFiles.LAG_PANEL)).singleElement()
        .extracting(q -> q.expr().replaceAll("\\s+", "")).isEqualTo(recorded.replaceAll("\\s+", ""));
  }

  @Test
  void indexerAndRuntimeMetricsOfTheDashboardAndAlertsAreExported() throws IOException {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (IndexerMetrics metrics = new IndexerMetrics(registry)) {
      metrics.eventIn("sample_added");
      metrics.deadLetter("bad_json");
      metrics.bulkFailed(IndexerMetrics.REQUEST_FAILED);
      metrics.bulkLatency(1_000_000);
      metrics.embedLatency(1_000_000);
      metrics.backfillProgress("run", "0_0", 1);
      metrics.backfillTotal("run", "0_0", 2);
      metrics.indexSize("run", "index", 1);
      // GC pause meters appear with the first collection.
      System.gc();
      Awaitility.await("a GC pause recorded").atMost(Duration.ofSeconds(30))
          .until(() -> registry.scrape().contains("jvm_gc_pause_seconds_sum"));
      Set<String> exported = exportedNames(registry.scrape());
      Set<String> used = new TreeSet<>();
      MonitoringFiles.queries(MonitoringFiles.dashboard()).forEach(q -> used.addAll(MonitoringFiles.metricNames(q.expr())));
      used.addAll(MonitoringFiles.metricNames(Files.readString(root.resolve(MonitoringFiles.ALERTS))));
      // Kafka client and query API meters exist only in running services: MonitoringIT checks those.
      used.removeIf(name -> name.startsWith("kafka_") || name.startsWith("simstream_api_"));
      assertThat(used).contains("simstream_indexer_bulk_latency_seconds_bucket", "jvm_memory_used_bytes",
          "process_cpu_seconds_total", "process_memory_rss_bytes");
      assertThat(exported).containsAll(used);
    }
  }

  @Test
  void indexerMdListsEveryIndexerMeterWithItsLabels() throws IOException {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Map<String, Set<String>> exported = new TreeMap<>();
    try (IndexerMetrics metrics = new IndexerMetrics(registry)) {
      // Every recording method once, so that every meter exists.
      metrics.eventIn("sample_added");
      metrics.documentsWritten(IndexerMetrics.INDEX, 1);
      metrics.deadLetter("bad_json");
      metrics.flushed(1, 1, 1_000_000);
      metrics.bulkLatency(1_000_000);
      metrics.bulkFailed(IndexerMetrics.REQUEST_FAILED);
      metrics.bulkRetried(1);
      metrics.versionConflicts(1);
      metrics.embedLatency(1_000_000);
      metrics.embeddedImages(1);
      metrics.backfillProgress("run", "0_0", 1);
      metrics.backfillTotal("run", "0_0", 2);
      metrics.indexSize("run", "index", 1);
      Matcher sample = Pattern.compile("^(simstream_indexer_\\w+?)(?:_bucket|_count|_sum|_max)?(?:\\{([^}]*)})? ")
          .matcher("");
      registry.scrape().lines().filter(line -> sample.reset(line).find()).forEach(line -> {
        Set<String> labels = exported.computeIfAbsent(sample.group(1), name -> new TreeSet<>());
        if (sample.group(2) != null) {
          Matcher label = Pattern.compile("(\\w+)=\"").matcher(sample.group(2));
          while (label.find()) {
            if (!label.group(1).equals("le")) {
              labels.add(label.group(1));
            }
          }
        }
      });
    }
    assertThat(exported).containsKeys("simstream_indexer_documents_written_total",
        "simstream_indexer_bulk_latency_seconds", "simstream_indexer_flush_samples");
    assertThat(documentedIndexerMeters()).isEqualTo(exported);
  }

  /** The first column of docs/indexer.md's metrics table: `_name` continues the name before it in its cell. */
  private Map<String, Set<String>> documentedIndexerMeters() throws IOException {
    String doc = Files.readString(root.resolve("docs/indexer.md"));
    String section = doc.substring(doc.indexOf("\n## Metrics\n"));
    section = section.substring(0, section.indexOf("\n## ", 1));
    Map<String, Set<String>> documented = new TreeMap<>();
    Pattern meter = Pattern.compile("`((?:simstream_indexer)?_\\w+)(?:\\{([^}]*)})?`");
    for (String row : section.lines().filter(line -> line.startsWith("| `")).toList()) {
      Matcher m = meter.matcher(row.split("\\|")[1]);
      String prefix = "simstream_indexer";
      while (m.find()) {
        String name = m.group(1).startsWith("_") ? prefix + m.group(1) : m.group(1);
        documented.put(name, m.group(2) == null ? Set.of() : new TreeSet<>(List.of(m.group(2).split(","))));
      }
    }
    return documented;
  }

  @Test
  void composeAndTheChartShipTheSameDashboard() throws IOException {
    String compose = Files.readString(root.resolve("docker-compose.yml"));
    assertThat(compose).contains("./helm/simstream/dashboards:/var/lib/grafana/dashboards/simstream:ro")
        .contains("./deploy/grafana/provisioning:/etc/grafana/provisioning:ro");
    assertThat(Files.readString(root.resolve("deploy/grafana/provisioning/dashboards/simstream.yml")))
        .contains("path: /var/lib/grafana/dashboards/simstream");
    assertThat(Files.readString(root.resolve("deploy/grafana/provisioning/datasources/prometheus.yml")))
        .contains("url: http://prometheus:9090");
    assertThat(Files.readString(root.resolve("helm/simstream/templates/grafana-dashboard-configmap.yaml")))
        .contains(".Files.Get \"dashboards/simstream.json\"").contains(".Values.grafanaDashboard.labels");
    assertThat(Files.readString(root.resolve("helm/simstream/values.yaml")))
        .containsPattern("grafanaDashboard:\\n  enabled: true\\n(?:  #.*\\n)*  labels:\\n    grafana_dashboard: \"1\"");
  }

  private List<Map<?, ?>> alertRules() throws IOException {
    Map<String, Object> alerts = new Yaml(new SafeConstructor(new LoaderOptions()))
        .load(Files.readString(root.resolve(MonitoringFiles.ALERTS)));
    return ((List<?>) alerts.get("groups")).stream()
        .flatMap(group -> ((List<?>) ((Map<?, ?>) group).get("rules")).stream())
        .<Map<?, ?>>map(rule -> (Map<?, ?>) rule).toList();
  }

  /** Sample names of a scrape: every line that is not a comment, up to its labels or value. */
  static Set<String> exportedNames(String scrape) {
    Set<String> names = new TreeSet<>();
    scrape.lines().filter(line -> !line.isBlank() && !line.startsWith("#"))
        .forEach(line -> names.add(line.split("[{ ]", 2)[0]));
    return names;
  }

  private static void assumePromtool() {
    String reason = Promtool.unavailable();
    assumeTrue(reason == null, () -> "skipped: " + reason);
  }
}
