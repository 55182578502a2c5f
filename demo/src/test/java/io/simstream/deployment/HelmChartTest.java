package io.simstream.deployment;

import static io.simstream.deployment.RenderedChart.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Renders and lints helm/simstream with Helm's own code (helm-java bundles it as a native library): the objects
 * an operator gets with the default values and with autoscaling, a ServiceMonitor and another memory split, and
 * the renders the chart must refuse (a misspelled value, more indexers than partitions).
 */
class HelmChartTest {
  private static KubernetesApiStub kubernetes;

  @BeforeAll
  static void startKubernetesApiStub() throws IOException {
    kubernetes = KubernetesApiStub.start();
  }

  @AfterAll
  static void stopKubernetesApiStub() {
    kubernetes.close();
  }

  @BeforeEach
  void noSecretsYet() {
    kubernetes.clear();
  }

  @Test
  void lintsCleanInStrictMode() {
    LintResult lint = new Helm(RenderedChart.chartDirectory()).lint().strict().call();
    System.out.println("helm lint --strict: " + lint.getMessages());
    assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
  }

  @Test
  void defaultValuesRenderBothServicesLockedDown() {
    RenderedChart chart = RenderedChart.render("simstream", Map.of());
    // A release named like the chart is not repeated in the names (docs/deployment.md uses these).
    assertThat(chart.kindsAndNames()).containsExactlyInAnyOrder(
        "ConfigMap/simstream-config", "ConfigMap/simstream-dashboard", "Secret/simstream-secret",
        "Deployment/simstream-indexer", "Deployment/simstream-query-api",
        "Service/simstream-indexer", "Service/simstream-query-api",
        "PodDisruptionBudget/simstream-indexer", "PodDisruptionBudget/simstream-query-api");

    Map<String, Object> indexer = chart.get("Deployment", "simstream-indexer");
    assertThat(at(indexer, "spec.replicas")).isEqualTo(1);
    Object container = at(indexer, "spec.template.spec.containers.indexer");
    assertThat(at(container, "securityContext.readOnlyRootFilesystem")).isEqualTo(true);
    assertThat(at(container, "env.JAVA_TOOL_OPTIONS.value")).isEqualTo(
        "-Xms1024m -Xmx1024m -XX:MaxDirectMemorySize=128m -XX:MaxMetaspaceSize=160m -XX:+ExitOnOutOfMemoryError");
    // heap 1024 + direct 128 + metaspace 160 + RocksDB 512 + ONNX Runtime 512 + overhead 256
    assertThat(at(container, "resources.limits.memory")).isEqualTo("2592Mi");
    assertThat(at(container, "resources.requests.memory")).isEqualTo("2592Mi");
    assertThat(at(container, "resources.requests.cpu")).isEqualTo("500m");
    assertWritableOnlyOnEmptyDirs(indexer, "indexer",
        Map.of("state", "/var/lib/simstream/state", "tmp", "/tmp", "embedding-cache", "/var/cache/simstream/embedding"));
    assertWritableOnlyOnEmptyDirs(chart.get("Deployment", "simstream-query-api"), "query-api",
        Map.of("tmp", "/tmp", "embedding-cache", "/var/cache/simstream/embedding"));

    Map<String, Object> config = chart.get("ConfigMap", "simstream-config");
    assertThat(at(config, "data.SIMSTREAM_INDEXER_STATE_DIR")).isEqualTo("/var/lib/simstream/state");
    assertThat(at(config, "data.SIMSTREAM_EMBEDDING_CACHE_DIR")).isEqualTo("/var/cache/simstream/embedding");
    assertThat(at(config, "data.DJL_CACHE_DIR")).isEqualTo("/var/cache/simstream/embedding/djl");

    Map<String, Object> pdb = chart.get("PodDisruptionBudget", "simstream-indexer");
    assertThat(at(pdb, "spec.maxUnavailable")).isEqualTo(1);
    assertThat(at(pdb, "spec.selector.matchLabels")).isEqualTo(Map.of("app.kubernetes.io/name", "simstream",
        "app.kubernetes.io/instance", "simstream", "app.kubernetes.io/component", "indexer"));
  }

  @Test
  void autoscalingServiceMonitorAndMemorySplitFollowTheValues() {
    RenderedChart chart = RenderedChart.render("search", values(
        "topics.partitions", "12", "indexer.threads", "2",
        "indexer.autoscaling.enabled", "true", "indexer.autoscaling.maxReplicas", "6",
        "queryApi.autoscaling.enabled", "true", "queryApi.podDisruptionBudget.enabled", "false",
        "metrics.serviceMonitor.enabled", "true", "metrics.serviceMonitor.labels.release", "kube-prometheus",
        "indexer.memory.heapMiB", "2048", "indexer.memory.rocksdbMiB", "1024",
        "indexer.extraJvmOptions", "-XX:+UseG1GC"));
    assertThat(chart.kindsAndNames()).contains("HorizontalPodAutoscaler/search-simstream-indexer",
            "HorizontalPodAutoscaler/search-simstream-query-api", "ServiceMonitor/search-simstream",
            "PodDisruptionBudget/search-simstream-indexer")
        .doesNotContain("PodDisruptionBudget/search-simstream-query-api");

    Map<String, Object> hpa = chart.get("HorizontalPodAutoscaler", "search-simstream-indexer");
    assertThat(at(hpa, "spec.scaleTargetRef.name")).isEqualTo("search-simstream-indexer");
    assertThat(at(hpa, "spec.maxReplicas")).isEqualTo(6);
    assertThat(at(hpa, "spec.behavior.scaleDown.stabilizationWindowSeconds")).isEqualTo(600);
    assertThat(((List<?>) at(hpa, "spec.metrics")).get(0)).isEqualTo(Map.of("type", "Resource", "resource",
        Map.of("name", "cpu", "target", Map.of("type", "Utilization", "averageUtilization", 75))));
    assertThat(at(chart.get("HorizontalPodAutoscaler", "search-simstream-query-api"), "spec.minReplicas"))
        .isEqualTo(2);
    // The autoscaler owns the replica count.
    assertThat(at(chart.get("Deployment", "search-simstream-indexer"), "spec.replicas")).isNull();
    assertThat(at(chart.get("Deployment", "search-simstream-query-api"), "spec.replicas")).isNull();

    Map<String, Object> monitor = chart.get("ServiceMonitor", "search-simstream");
    assertThat(at(monitor, "metadata.labels.release")).isEqualTo("kube-prometheus");
    assertThat((List<?>) at(monitor, "spec.endpoints")).extracting(e -> at(e, "port") + " " + at(e, "path"))
        .containsExactly("admin /metrics", "http /metrics");
    assertThat(at(monitor, "spec.selector.matchLabels")).isEqualTo(
        Map.of("app.kubernetes.io/name", "simstream", "app.kubernetes.io/instance", "search"));

    Object container = at(chart.get("Deployment", "search-simstream-indexer"), "spec.template.spec.containers.indexer");
    assertThat(at(container, "env.JAVA_TOOL_OPTIONS.value")).asString().startsWith("-Xms2048m -Xmx2048m ")
        .endsWith(" -XX:+ExitOnOutOfMemoryError -XX:+UseG1GC");
    assertThat(at(container, "resources.limits.memory")).isEqualTo("4128Mi");
  }

  @Test
  void apiTokenIsGeneratedOnceAndKeptOnUpgrade() {
    String generated = (String) at(RenderedChart.render("simstream", Map.of()).get("Secret", "simstream-secret"),
        "data.api-token");
    assertThat(new String(Base64.getDecoder().decode(generated), StandardCharsets.UTF_8)).hasSize(40);
    assertThat(kubernetes.requests()).contains("GET /api/v1/namespaces/simstream/secrets/simstream-secret");

    String kept = Base64.getEncoder().encodeToString("token-of-the-first-install".getBytes(StandardCharsets.UTF_8));
    kubernetes.putSecret("simstream-secret", """
        {"kind":"Secret","apiVersion":"v1","metadata":{"name":"simstream-secret","namespace":"simstream"},\
        "data":{"api-token":"%s"}}""".formatted(kept));
    assertThat(at(RenderedChart.render("simstream", Map.of()).get("Secret", "simstream-secret"), "data.api-token"))
        .isEqualTo(kept);
  }

  @Test
  void refusesMoreIndexersThanPartitions() {
    assertThatThrownBy(() -> RenderedChart.render("simstream", Map.of("topics.partitions", "6",
        "indexer.threads", "2", "indexer.autoscaling.enabled", "true", "indexer.autoscaling.maxReplicas", "4")))
        .hasMessageContaining("indexer.autoscaling.maxReplicas (4) x indexer.threads (2) exceeds topics.partitions (6)");
  }

  @Test
  void schemaRefusesMisspelledAndMisplacedValues() {
    assertThatThrownBy(() -> RenderedChart.render("simstream", Map.of("indexr.replicaCount", "2")))
        .hasMessageContaining("indexr");
    assertThatThrownBy(() -> RenderedChart.render("simstream", Map.of("queryApi.autoscaling.enable", "true")))
        .hasMessageContaining("enable");
    // Indexer memory is the split's sum; a limit set by hand would starve RocksDB or ONNX Runtime.
    assertThatThrownBy(() -> RenderedChart.render("simstream", Map.of("indexer.resources.limits.memory", "1Gi")))
        .hasMessageContaining("/indexer/resources/limits");
    assertThatThrownBy(() -> RenderedChart.render("simstream", Map.of("logging.format", "xml")))
        .hasMessageContaining("/logging/format");
  }

  /** `--set` pairs in order: key, value, key, value... */
  private static Map<String, Object> values(String... keysAndValues) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      values.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return values;
  }

  private static void assertWritableOnlyOnEmptyDirs(Map<String, Object> deployment, String container,
      Map<String, String> mounts) {
    Object pod = at(deployment, "spec.template.spec");
    assertThat(at(pod, "securityContext.runAsNonRoot")).isEqualTo(true);
    Object c = at(pod, "containers." + container);
    assertThat(at(c, "securityContext.readOnlyRootFilesystem")).as(container).isEqualTo(true);
    mounts.forEach((volume, path) -> {
      assertThat(at(c, "volumeMounts." + volume + ".mountPath")).as(container + " mounts " + volume).isEqualTo(path);
      assertThat(at(pod, "volumes." + volume + ".emptyDir")).as(container + " " + volume + " is an emptyDir").isNotNull();
    });
  }
}
