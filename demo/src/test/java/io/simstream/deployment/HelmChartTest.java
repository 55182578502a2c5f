package io.simstream.deployment;

import static io.simstream.deployment.RenderedChart.at;
import static io.simstream.deployment.RenderedChart.listAt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.simstream.config.KafkaClientProperties;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Renders and lints helm/simstream with Helm's own code (helm-java bundles it as a native library): the objects
 * an operator gets with the default values and with autoscaling, a ServiceMonitor and another memory split, and
 * the renders the chart must refuse (a misspelled value, more indexers than partitions).
 */
class HelmChartTest {
  /** Strimzi's cluster CA Secret as a kafka.secretFiles entry, the trust store of both Kafka examples. */
  private static final String CLUSTER_CA_ENTRY = """
          - secretName: my-kafka-cluster-ca-cert
            properties:
              ssl.truststore.location: ca.p12
              ssl.truststore.password: ca.password
      """;
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
  void podsGetNoServiceLinkVariables() {
    // Kubernetes would add <SERVICE>_SERVICE_HOST and _PORT_* variables for every Service of the namespace: a
    // Strimzi cluster named simstream gives SIMSTREAM_KAFKA_BOOTSTRAP_..., which the services refuse as unknown
    // Kafka client properties, and the chart's own Services give names the services warn about.
    RenderedChart chart = RenderedChart.render("simstream", Map.of());
    for (String service : List.of("indexer", "query-api")) {
      assertThat(at(chart.get("Deployment", "simstream-" + service), "spec.template.spec.enableServiceLinks"))
          .as(service).isEqualTo(false);
    }
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
  void serviceMonitorJobsContainSimstreamWhateverTheNames() {
    // The alerts and the dashboard pick targets by job=~".*simstream.*"; the operator's default job is the
    // Service's name, which a nameOverride or fullnameOverride can leave without "simstream".
    Map<String, Map<String, String>> cases = Map.of(
        "search", Map.of(),
        "prod", Map.of("nameOverride", "search"),
        "other", Map.of("fullnameOverride", "images"));
    Map<String, List<String>> jobs = new TreeMap<>();
    cases.forEach((release, overrides) -> {
      Map<String, Object> values = new LinkedHashMap<>(overrides);
      values.put("metrics.serviceMonitor.enabled", "true");
      RenderedChart chart = RenderedChart.render(release, values);
      Map<String, Object> monitor = chart.objects().stream().filter(o -> "ServiceMonitor".equals(o.get("kind")))
          .findFirst().orElseThrow();
      jobs.put(release, listAt(monitor, "spec.endpoints").stream().map(endpoint -> {
        List<Object> relabelings = listAt(endpoint, "relabelings");
        assertThat(relabelings).as(release + " " + at(endpoint, "port") + " relabelings").isNotNull();
        Object job = relabelings.stream().filter(r -> "job".equals(at(r, "targetLabel"))).findFirst()
            .orElseThrow(() -> new AssertionError(release + ": no relabeling of job in " + endpoint));
        // No source labels: the replacement is the job, whatever the target.
        assertThat(at(job, "sourceLabels")).isNull();
        return (String) at(job, "replacement");
      }).toList());
    });
    assertThat(jobs).isEqualTo(Map.of(
        "search", List.of("search-simstream-indexer", "search-simstream-query-api"),
        "prod", List.of("simstream-prod-search-indexer", "simstream-prod-search-query-api"),
        "other", List.of("simstream-images-indexer", "simstream-images-query-api")));
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

  @Test
  void kafkaScramCredentialsAreMountedFilesNamedByFileVariables(@TempDir Path dir) throws IOException {
    // The SASL_SSL SCRAM example of docs/deployment.md (Strimzi: a KafkaUser's Secret and the cluster CA's).
    RenderedChart chart = renderValues(dir, """
        kafka:
          bootstrapServers: my-kafka-kafka-bootstrap.kafka:9093
          properties:
            security.protocol: SASL_SSL
            sasl.mechanism: SCRAM-SHA-512
            ssl.truststore.type: PKCS12
          secretFiles:
            - secretName: simstream-kafka-user
              properties:
                sasl.jaas.config: sasl.jaas.config
        %s
        """.formatted(CLUSTER_CA_ENTRY));
    assertThat(kafkaVariables(chart)).isEqualTo(Map.of(
        KafkaClientProperties.envName("security.protocol"), "SASL_SSL",
        KafkaClientProperties.envName("sasl.mechanism"), "SCRAM-SHA-512",
        KafkaClientProperties.envName("ssl.truststore.type"), "PKCS12",
        KafkaClientProperties.envName("sasl.jaas.config") + "_FILE",
        "/etc/simstream/kafka/simstream-kafka-user/sasl.jaas.config",
        KafkaClientProperties.envName("ssl.truststore.location"), "/etc/simstream/kafka/my-kafka-cluster-ca-cert/ca.p12",
        KafkaClientProperties.envName("ssl.truststore.password") + "_FILE",
        "/etc/simstream/kafka/my-kafka-cluster-ca-cert/ca.password"));
    for (String service : List.of("indexer", "query-api")) {
      Map<String, Object> deployment = chart.get("Deployment", "simstream-" + service);
      assertSecretFilesMounted(deployment, service, "kafka-secret-0", "simstream-kafka-user",
          "/etc/simstream/kafka/simstream-kafka-user", List.of("sasl.jaas.config"));
      assertClusterCaMounted(deployment, service);
      assertThat(at(deployment, "spec.template.spec.containers." + service + ".envFrom")).asString()
          .contains("simstream-config");
    }
  }

  @Test
  void kafkaMutualTlsStoresAndTheElasticsearchCaAreMountedSideBySide(@TempDir Path dir) throws IOException {
    // The mutual TLS example of docs/deployment.md: the store files themselves are the `.location` values.
    RenderedChart chart = renderValues(dir, """
        kafka:
          bootstrapServers: my-kafka-kafka-bootstrap.kafka:9093
          properties:
            security.protocol: SSL
            ssl.keystore.type: PKCS12
            ssl.truststore.type: PKCS12
          secretFiles:
            - secretName: simstream-kafka-tls-user
              properties:
                ssl.keystore.location: user.p12
                ssl.keystore.password: user.password
        %s
        elasticsearch:
          hosts: https://my-es-es-http.elastic:9200
          caCert:
            secretName: my-es-es-http-certs-public
        """.formatted(CLUSTER_CA_ENTRY));
    assertThat(kafkaVariables(chart)).containsEntry(KafkaClientProperties.envName("ssl.keystore.location"),
            "/etc/simstream/kafka/simstream-kafka-tls-user/user.p12")
        .containsEntry(KafkaClientProperties.envName("ssl.keystore.password") + "_FILE",
            "/etc/simstream/kafka/simstream-kafka-tls-user/user.password")
        .hasSize(7);
    assertThat(at(chart.get("ConfigMap", "simstream-config"), "data.SIMSTREAM_ES_CA_CERT"))
        .isEqualTo("/etc/simstream/es-ca/ca.crt");
    for (String service : List.of("indexer", "query-api")) {
      Map<String, Object> deployment = chart.get("Deployment", "simstream-" + service);
      assertSecretFilesMounted(deployment, service, "kafka-secret-0", "simstream-kafka-tls-user",
          "/etc/simstream/kafka/simstream-kafka-tls-user", List.of("user.p12", "user.password"));
      assertClusterCaMounted(deployment, service);
      assertThat(at(deployment, "spec.template.spec.containers." + service + ".volumeMounts.es-ca.readOnly"))
          .isEqualTo(true);
      assertThat(at(deployment, "spec.template.spec.volumes.es-ca.secret.secretName"))
          .isEqualTo("my-es-es-http-certs-public");
    }
  }

  @Test
  void refusesKafkaSecretsOutsideSecretsAndPropertiesGivenTwice() {
    assertThatThrownBy(() -> RenderedChart.render("simstream",
        Map.of("kafka.properties.sasl\\.jaas\\.config", "ScramLoginModule required;")))
        .hasMessageContaining("kafka.properties.sasl.jaas.config: a secret");
    assertThatThrownBy(() -> RenderedChart.render("simstream",
        Map.of("extraConfig.SIMSTREAM_KAFKA_SSL_KEYSTORE_PASSWORD", "changeit")))
        .hasMessageContaining("kafka.secretFiles");
    assertThatThrownBy(() -> RenderedChart.render("simstream", values(
        "kafka.properties.ssl\\.truststore\\.location", "/opt/ca.p12",
        "kafka.secretFiles[0].secretName", "ca", "kafka.secretFiles[0].properties.ssl\\.truststore\\.location", "ca.p12")))
        .hasMessageContaining("Kafka property ssl.truststore.location is given twice");
    assertThatThrownBy(() -> RenderedChart.render("simstream", values(
        "kafka.secretFiles[0].secretName", "user", "kafka.secretFiles[0].properties.sasl\\.jaas\\.config", "jaas",
        "kafka.secretFiles[1].secretName", "user", "kafka.secretFiles[1].properties.ssl\\.keystore\\.location", "u.p12")))
        .hasMessageContaining("Secret user is listed twice");
  }

  @Test
  void refusesExtraConfigForVariablesTheChartSets() {
    // Every SIMSTREAM_* entry the ConfigMap already has, including those from kafka.properties and the CA file:
    // a second one under the same key would be a duplicate YAML key (Helm keeps the last; Flux refuses it).
    Map<String, Object> withKafkaAndCa = values("kafka.properties.security\\.protocol", "SSL",
        "elasticsearch.caCert.secretName", "es-ca");
    Map<String, Object> data = RenderedChart.mapAt(RenderedChart.render("simstream", withKafkaAndCa)
        .get("ConfigMap", "simstream-config"), "data");
    List<String> managed = data.keySet().stream().filter(name -> name.startsWith("SIMSTREAM_")).toList();
    assertThat(managed).contains("SIMSTREAM_INDEXER_STATE_DIR", "SIMSTREAM_API_PORT", "SIMSTREAM_ES_CA_CERT",
        KafkaClientProperties.envName("security.protocol")).hasSizeGreaterThan(15);
    for (String name : managed) {
      Map<String, Object> values = new LinkedHashMap<>(withKafkaAndCa);
      values.put("extraConfig." + name, String.valueOf(data.get(name)));
      assertThatThrownBy(() -> RenderedChart.render("simstream", values)).as(name)
          .hasMessageContaining("extraConfig." + name + ": the chart sets it from ");
    }
    assertThatThrownBy(() -> RenderedChart.render("simstream", Map.of("extraConfig.SIMSTREAM_INDEXER_STATE_DIR", "/data")))
        .hasMessageContaining("extraConfig.SIMSTREAM_INDEXER_STATE_DIR: the chart sets it from indexer.stateDir");
    assertThatThrownBy(() -> RenderedChart.render("simstream", values("kafka.properties.security\\.protocol", "SSL",
            "extraConfig.SIMSTREAM_KAFKA_SECURITY_PROTOCOL", "SASL_SSL")))
        .hasMessageContaining("the chart sets it from kafka.properties or kafka.secretFiles");
    // The Deployment's env would win over the ConfigMap and drop the value without a word.
    assertThatThrownBy(() -> RenderedChart.render("simstream", Map.of("extraConfig.SIMSTREAM_INDEXER_INSTANCE_ID", "a")))
        .hasMessageContaining("extraConfig.SIMSTREAM_INDEXER_INSTANCE_ID: the chart sets it from the pod's name");

    // Without the CA value, the CA path and other settings are the operator's to give.
    Map<String, Object> config = RenderedChart.mapAt(RenderedChart.render("simstream", values(
            "extraConfig.SIMSTREAM_ES_CA_CERT", "/etc/ca/ca.crt", "extraConfig.SIMSTREAM_INDEXER_BATCH_SIZE", "512"))
        .get("ConfigMap", "simstream-config"), "data");
    assertThat(config).containsEntry("SIMSTREAM_ES_CA_CERT", "/etc/ca/ca.crt")
        .containsEntry("SIMSTREAM_INDEXER_BATCH_SIZE", "512");
  }

  @Test
  void extraEnvVolumesAndServiceAccountReachEachServicesPods(@TempDir Path dir) throws IOException {
    // The example of docs/deployment.md ("Pod extras", shared through YAML anchors), plus a variable from a
    // Secret's key and a service account per service.
    RenderedChart chart = renderValues(dir, """
        extraConfig:
          SIMSTREAM_EMBEDDING_CLIP_DIR: /models/clip
          SIMSTREAM_S3_REGION: eu-west-1
        indexer:
          serviceAccountName: simstream-indexer
          extraEnv:
            - name: AWS_SESSION_TOKEN
              valueFrom:
                secretKeyRef: {name: simstream-s3-session, key: token}
          extraEnvFrom: &s3
            - secretRef:
                name: simstream-s3
          extraVolumes: &models
            - name: clip-models
              persistentVolumeClaim:
                claimName: clip-models
                readOnly: true
          extraVolumeMounts: &modelMounts
            - name: clip-models
              mountPath: /models/clip
              readOnly: true
        queryApi:
          serviceAccountName: simstream-query-api
          extraEnvFrom: *s3
          extraVolumes: *models
          extraVolumeMounts: *modelMounts
        """);
    Object indexer = at(chart.get("Deployment", "simstream-indexer"), "spec.template.spec");
    assertThat(at(indexer, "serviceAccountName")).isEqualTo("simstream-indexer");
    assertThat(at(indexer, "containers.indexer.env.AWS_SESSION_TOKEN.valueFrom.secretKeyRef"))
        .isEqualTo(Map.of("name", "simstream-s3-session", "key", "token"));
    // The chart's ConfigMap comes last, so its keys win over a Secret's of the same name.
    List<Map<String, Object>> envFrom = List.of(Map.of("secretRef", Map.of("name", "simstream-s3")),
        Map.of("configMapRef", Map.of("name", "simstream-config")));
    assertThat(listAt(indexer, "containers.indexer.envFrom")).isEqualTo(envFrom);
    assertThat(at(indexer, "volumes.clip-models.persistentVolumeClaim.claimName")).isEqualTo("clip-models");
    assertThat(at(indexer, "containers.indexer.volumeMounts.clip-models.mountPath")).isEqualTo("/models/clip");
    assertThat(at(indexer, "volumes.state.emptyDir")).as("the chart's own volumes stay").isNotNull();

    Object api = at(chart.get("Deployment", "simstream-query-api"), "spec.template.spec");
    assertThat(at(api, "serviceAccountName")).isEqualTo("simstream-query-api");
    assertThat(at(api, "containers.query-api.env.AWS_SESSION_TOKEN")).isNull();
    assertThat(listAt(api, "containers.query-api.envFrom")).isEqualTo(envFrom);
    assertThat(at(api, "containers.query-api.volumeMounts.clip-models.readOnly")).isEqualTo(true);
    assertThat(at(api, "volumes.clip-models.persistentVolumeClaim.readOnly")).isEqualTo(true);
    assertThat(at(api, "volumes.tmp.emptyDir")).isNotNull();

    assertThat(RenderedChart.mapAt(RenderedChart.render("simstream", Map.of()).get("Deployment", "simstream-indexer"),
        "spec.template.spec")).doesNotContainKey("serviceAccountName");
  }

  @Test
  void refusesExtrasThatWouldShadowWhatTheChartSets() {
    // A SIMSTREAM_* variable in env would override the ConfigMap and skip the chart's checks of extraConfig.
    assertThatThrownBy(() -> RenderedChart.render("simstream", values(
        "indexer.extraEnv[0].name", "SIMSTREAM_INDEXER_STATE_DIR", "indexer.extraEnv[0].value", "/data")))
        .hasMessageContaining("indexer.extraEnv: SIMSTREAM_INDEXER_STATE_DIR is a simstream setting");
    assertThatThrownBy(() -> RenderedChart.render("simstream", values(
        "indexer.extraEnv[0].name", "JAVA_TOOL_OPTIONS", "indexer.extraEnv[0].value", "-Xmx8g")))
        .hasMessageContaining("indexer.extraEnv: JAVA_TOOL_OPTIONS is set by the chart");
    assertThatThrownBy(() -> RenderedChart.render("simstream", values(
        "queryApi.extraEnv[0].name", "DJL_CACHE_DIR", "queryApi.extraEnv[0].value", "/x")))
        .hasMessageContaining("queryApi.extraEnv: DJL_CACHE_DIR is set by the chart");
    assertThatThrownBy(() -> RenderedChart.render("simstream", values(
        "queryApi.extraVolumes[0].name", "tmp", "queryApi.extraVolumes[0].emptyDir.medium", "Memory")))
        .hasMessageContaining("queryApi.extraVolumes: the chart has a volume named tmp");
    assertThatThrownBy(() -> RenderedChart.render("simstream", values(
        "elasticsearch.caCert.secretName", "es-ca",
        "indexer.extraVolumes[0].name", "es-ca", "indexer.extraVolumes[0].secret.secretName", "other")))
        .hasMessageContaining("indexer.extraVolumes: the chart has a volume named es-ca");
    // The query API's JVM options are the image's: replacing them is allowed.
    assertThat(at(RenderedChart.render("simstream", values("queryApi.extraEnv[0].name", "JAVA_TOOL_OPTIONS",
            "queryApi.extraEnv[0].value", "-XX:MaxRAMPercentage=60")).get("Deployment", "simstream-query-api"),
        "spec.template.spec.containers.query-api.env.JAVA_TOOL_OPTIONS.value")).isEqualTo("-XX:MaxRAMPercentage=60");
  }

  private static RenderedChart renderValues(Path dir, String valuesYaml) throws IOException {
    return RenderedChart.render("simstream", Files.writeString(dir.resolve("values.yaml"), valuesYaml));
  }

  /** The second entry of both Kafka examples' secretFiles: the cluster CA, as the trust store. */
  private static void assertClusterCaMounted(Map<String, Object> deployment, String service) {
    assertSecretFilesMounted(deployment, service, "kafka-secret-1", "my-kafka-cluster-ca-cert",
        "/etc/simstream/kafka/my-kafka-cluster-ca-cert", List.of("ca.p12", "ca.password"));
  }

  /** The SIMSTREAM_KAFKA_* entries of the ConfigMap, but the bootstrap servers. */
  private static Map<String, Object> kafkaVariables(RenderedChart chart) {
    Map<String, Object> kafka = new TreeMap<>(RenderedChart.mapAt(chart.get("ConfigMap", "simstream-config"), "data"));
    kafka.keySet().removeIf(name -> !name.startsWith("SIMSTREAM_KAFKA_") || name.equals("SIMSTREAM_KAFKA_BOOTSTRAP_SERVERS"));
    return kafka;
  }

  private static void assertSecretFilesMounted(Map<String, Object> deployment, String container, String volume,
      String secretName, String mountPath, List<String> keys) {
    Object pod = at(deployment, "spec.template.spec");
    Object mount = at(pod, "containers." + container + ".volumeMounts." + volume);
    assertThat(at(mount, "mountPath")).as(container + " " + volume).isEqualTo(mountPath);
    assertThat(at(mount, "readOnly")).as(container + " " + volume + " read-only").isEqualTo(true);
    assertThat(at(pod, "volumes." + volume + ".secret.secretName")).isEqualTo(secretName);
    // 0440: the pod's group (fsGroup) reads, nobody writes.
    assertThat(at(pod, "volumes." + volume + ".secret.defaultMode")).isEqualTo(0440);
    assertThat(listAt(pod, "volumes." + volume + ".secret.items")).extracting(item -> at(item, "key") + ">" + at(item, "path"))
        .containsExactlyElementsOf(keys.stream().map(key -> key + ">" + key).toList());
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
