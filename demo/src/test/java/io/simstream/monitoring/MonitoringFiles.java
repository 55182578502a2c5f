package io.simstream.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Where the dashboard and alert files are, and what their queries name. */
final class MonitoringFiles {
  static final String DASHBOARD = "helm/simstream/dashboards/simstream.json";
  static final String ALERTS = "deploy/prometheus/alerts.yml";
  static final String ALERT_TESTS = "deploy/prometheus/alerts-test.yml";
  static final String PROMETHEUS_CONFIG = "deploy/prometheus.yml";
  static final String LAG_PANEL = "Consumer lag per partition";
  /** Grafana's rate window; a minute is several scrapes both in compose (15 s) and in the tests (1 s). */
  static final String RATE_INTERVAL = "1m";

  /** How the dashboard and the alerts pick simstream's targets: compose's jobs, the chart's ServiceMonitor. */
  /** How `up` picks simstream's targets: Prometheus makes that series, with no label of the service's own. */
  static final String SIMSTREAM_JOB = "job=~\".*simstream.*\"";
  /** How every other series any process may export picks simstream's: the services label all their meters. */
  static final String SIMSTREAM_APPLICATION = "application=~\"simstream-.*\"";

  /**
   * A quoted string (skipped), or a metric that any process may export, with its label matchers: runtime and
   * Kafka client meters, and `up`. Names inside a recording rule's name (a:b:c) are not selectors.
   */
  private static final Pattern GENERIC_SELECTOR = Pattern.compile(
      "\"(?:[^\"\\\\]|\\\\.)*\"|(?<![:\\w])((?:jvm|process|kafka|system)_[a-z0-9_]+|up)(?![:\\w])(\\{[^}]*})?");

  /** Metric names start with a family prefix; label names and PromQL words never do. */
  private static final Pattern METRIC = Pattern.compile("\\b(?:simstream|jvm|process|kafka|system)_[a-z0-9_]+\\b");

  /** One panel query: its panel's title and the PromQL with Grafana's variables filled in. */
  record PanelQuery(String panel, String expr) {
  }

  private MonitoringFiles() {
  }

  static Path repositoryRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(DASHBOARD)) && Files.isRegularFile(dir.resolve("docker-compose.yml"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no " + DASHBOARD + " above " + Path.of("").toAbsolutePath());
  }

  static JsonNode dashboard() throws IOException {
    return Json.MAPPER.readTree(repositoryRoot().resolve(DASHBOARD).toFile());
  }

  static List<JsonNode> panels(JsonNode dashboard) {
    List<JsonNode> panels = new ArrayList<>();
    dashboard.path("panels").forEach(panel -> {
      if (!"row".equals(panel.path("type").asText())) {
        panels.add(panel);
      }
    });
    return panels;
  }

  static List<PanelQuery> queries(JsonNode dashboard) {
    List<PanelQuery> queries = new ArrayList<>();
    for (JsonNode panel : panels(dashboard)) {
      panel.path("targets").forEach(target -> queries.add(new PanelQuery(panel.path("title").asText(),
          target.path("expr").asText().replace("$__rate_interval", RATE_INTERVAL))));
    }
    return queries;
  }

  /** The selectors of an expression on metrics that do not name simstream: runtime, Kafka client, `up`. */
  static List<String> genericSelectors(String expr) {
    List<String> selectors = new ArrayList<>();
    Matcher matcher = GENERIC_SELECTOR.matcher(expr);
    while (matcher.find()) {
      if (matcher.group(1) != null) {
        selectors.add(matcher.group(1) + (matcher.group(2) == null ? "" : matcher.group(2)));
      }
    }
    return selectors;
  }

  /** The metric names a PromQL expression selects. */
  static Set<String> metricNames(String expr) {
    Set<String> names = new TreeSet<>();
    Matcher matcher = METRIC.matcher(expr.replaceAll("\"[^\"]*\"", "\"\""));
    while (matcher.find()) {
      names.add(matcher.group());
    }
    return names;
  }
}
