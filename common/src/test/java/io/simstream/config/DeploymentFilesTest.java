package io.simstream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.fail;

import io.simstream.elasticsearch.IndexMapping;
import io.simstream.elasticsearch.VectorFieldSpec;
import io.simstream.run.IndexLayout;
import io.simstream.run.Metric;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Checks the deployment files (docker-compose.yml, deploy/, helm/simstream, docs/deployment.md) against
 * {@link Settings}, the single declaration of what simstream reads: every SIMSTREAM_* variable they set must be a
 * declared setting with a valid value, ports must agree with the settings, Prometheus must scrape what the
 * services serve, and credentials must come from secrets.
 */
class DeploymentFilesTest {
  private static final Path ROOT = findRepositoryRoot();
  private static final Map<String, Setting<?>> SETTINGS_BY_ENV = Settings.ALL.stream()
      .collect(Collectors.toMap(Setting::envName, s -> s, (a, b) -> a, LinkedHashMap::new));
  /** Settings that are credentials: never literal in compose, never in a ConfigMap. */
  private static final Set<String> SECRET_ENV = Set.of(Settings.ES_USERNAME.envName(),
      Settings.ES_PASSWORD.envName(), Settings.ES_API_KEY.envName(), Settings.API_TOKEN.envName());
  private static final Set<String> SIMSTREAM_SERVICES = Set.of("indexer", "query-api");
  private static final Pattern SIMSTREAM_NAME = Pattern.compile("SIMSTREAM_[A-Z0-9_]+");
  private static final Pattern INTERPOLATION = Pattern.compile("^\\$\\{([A-Za-z_][A-Za-z0-9_]*)[^}]*}$");

  // ---------------------------------------------------------------------------------------------------------------
  // docker-compose.yml

  @Test
  void composeDeclaresTheFiveServices() {
    assertThat(services().keySet()).containsAll(List.of("kafka", "elasticsearch", "indexer", "query-api",
        "prometheus"));
  }

  @Test
  void simstreamServicesAreConfiguredOnlyThroughDeclaredSettingsWithValidValues() {
    for (String name : SIMSTREAM_SERVICES) {
      Map<String, Object> service = service(name);
      assertThat(service).as("%s: env_file would bypass this check; use environment", name)
          .doesNotContainKey("env_file");
      Map<String, String> env = environment(service);
      assertThat(env).as("%s environment", name).isNotEmpty();
      for (Map.Entry<String, String> e : env.entrySet()) {
        assertThat(isDeclaredEnv(e.getKey()))
            .as("%s sets %s, which is not a setting in Settings.ALL", name, e.getKey()).isTrue();
        String value = e.getValue();
        if (value != null && !value.contains("${")) {
          Setting<?> setting = SETTINGS_BY_ENV.get(e.getKey());
          assertThatCode(() -> setting.parse(value, "docker-compose.yml"))
              .as("%s: %s = '%s'", name, e.getKey(), value).doesNotThrowAnyException();
        }
      }
      assertThat(env).as("%s required settings", name)
          .containsKeys(Settings.KAFKA_BOOTSTRAP_SERVERS.envName(), Settings.ES_HOSTS.envName());
    }
  }

  @Test
  void kafkaBootstrapServersAreAdvertisedByTheKafkaService() {
    Map<String, String> kafkaEnv = environment(service("kafka"));
    String advertised = kafkaEnv.getOrDefault("KAFKA_ADVERTISED_LISTENERS", "");
    for (String name : SIMSTREAM_SERVICES) {
      String bootstrap = environment(service(name)).get(Settings.KAFKA_BOOTSTRAP_SERVERS.envName());
      assertThat(bootstrap).as("%s bootstrap servers", name).isNotBlank();
      for (String hostPort : bootstrap.split(",")) {
        String[] parts = hostPort.trim().split(":");
        assertThat(parts).as("%s: bootstrap server '%s' is host:port", name, hostPort).hasSize(2);
        assertThat(services()).as("%s: bootstrap host '%s' is a compose service", name, parts[0])
            .containsKey(parts[0]);
        assertThat(advertised).as("kafka advertises %s for %s", hostPort.trim(), name)
            .contains("://" + hostPort.trim());
      }
      assertThat(healthyDependencies(name)).as("%s waits for a healthy kafka", name).contains("kafka");
    }
  }

  @Test
  void elasticsearchHostsPointAtTheElasticsearchServiceWithTheRightScheme() {
    Map<String, String> esEnv = environment(service("elasticsearch"));
    boolean httpTls = Boolean.parseBoolean(esEnv.get("xpack.security.http.ssl.enabled"));
    int httpPort = Integer.parseInt(esEnv.getOrDefault("http.port", "9200"));
    for (String name : SIMSTREAM_SERVICES) {
      String hosts = environment(service(name)).get(Settings.ES_HOSTS.envName());
      assertThat(hosts).as("%s es hosts", name).isNotBlank();
      for (String host : hosts.split(",")) {
        URI uri = uri(host.trim());
        assertThat(uri.getHost()).as("%s: %s", name, host).isEqualTo("elasticsearch");
        assertThat(uri.getPort()).as("%s: %s", name, host).isEqualTo(httpPort);
        assertThat(uri.getScheme()).as("%s: %s against xpack.security.http.ssl.enabled=%s", name, host, httpTls)
            .isEqualTo(httpTls ? "https" : "http");
      }
      assertThat(healthyDependencies(name)).as("%s waits for a healthy elasticsearch", name)
          .contains("elasticsearch");
    }
  }

  @Test
  void elasticsearchSecurityIsExplicitAndTheServicesUseItsCredentials() {
    Map<String, Object> es = service("elasticsearch");
    assertThat(String.valueOf(es.get("image")))
        .matches("docker\\.elastic\\.co/elasticsearch/elasticsearch:8\\.19\\.\\d+");
    Map<String, String> esEnv = environment(es);
    assertThat(esEnv.get("xpack.security.enabled")).as("xpack.security.enabled").isEqualTo("true");
    assertThat(esEnv).as("TLS on HTTP stated, not left to auto-configuration")
        .containsKey("xpack.security.http.ssl.enabled");
    assertThat(esEnv.get("discovery.type")).isEqualTo("single-node");
    String heap = esEnv.getOrDefault("ES_JAVA_OPTS", "");
    Matcher xms = Pattern.compile("-Xms(\\S+)").matcher(heap);
    Matcher xmx = Pattern.compile("-Xmx(\\S+)").matcher(heap);
    assertThat(xms.find() && xmx.find()).as("ES_JAVA_OPTS sets -Xms and -Xmx: '%s'", heap).isTrue();
    assertThat(xms.group(1)).as("heap min = max").isEqualTo(xmx.group(1));

    String passwordVariable = interpolatedVariable(esEnv.get("ELASTIC_PASSWORD"));
    assertThat(passwordVariable).as("ELASTIC_PASSWORD comes from the environment / .env, not the file").isNotNull();
    for (String name : SIMSTREAM_SERVICES) {
      Map<String, String> env = environment(service(name));
      for (String secret : SECRET_ENV) {
        String value = env.get(secret);
        if (value != null && !value.isEmpty() && !secret.equals(Settings.ES_USERNAME.envName())) {
          assertThat(interpolatedVariable(value)).as("%s: %s must be ${...}, not a literal", name, secret)
              .isNotNull();
        }
      }
      if (!env.containsKey(Settings.ES_API_KEY.envName())) {
        assertThat(env.get(Settings.ES_USERNAME.envName())).as("%s authenticates as elastic", name)
            .isEqualTo("elastic");
        assertThat(interpolatedVariable(env.get(Settings.ES_PASSWORD.envName())))
            .as("%s: SIMSTREAM_ES_PASSWORD is the node's ELASTIC_PASSWORD", name).isEqualTo(passwordVariable);
      }
    }
  }

  @Test
  void kafkaIsASingleKraftNodeWhoseReplicationAllowsExactlyOnce() {
    Map<String, Object> kafka = service("kafka");
    assertThat(String.valueOf(kafka.get("image"))).matches("apache/kafka:4\\.\\d+\\.\\d+");
    Map<String, String> env = environment(kafka);
    assertThat(Set.of(env.getOrDefault("KAFKA_PROCESS_ROLES", "").split("\\s*,\\s*")))
        .containsExactlyInAnyOrder("broker", "controller");

    Map<String, String> listeners = listenerPorts(env.get("KAFKA_LISTENERS"));
    Set<String> mapped = listenerPorts(env.get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP")).keySet();
    assertThat(mapped).as("every listener has a security protocol").containsAll(listeners.keySet());
    String controller = env.get("KAFKA_CONTROLLER_LISTENER_NAMES");
    assertThat(listeners).as("controller listener").containsKey(controller);
    assertThat(env.get("KAFKA_CONTROLLER_QUORUM_VOTERS")).as("voters = this node on its controller listener")
        .isEqualTo(env.get("KAFKA_NODE_ID") + "@kafka:" + listeners.get(controller));
    if (env.containsKey("KAFKA_INTER_BROKER_LISTENER_NAME")) {
      assertThat(listeners).containsKey(env.get("KAFKA_INTER_BROKER_LISTENER_NAME"));
    }
    for (String advertised : listenerPorts(env.get("KAFKA_ADVERTISED_LISTENERS")).keySet()) {
      assertThat(listeners).as("advertised listener %s is a listener", advertised).containsKey(advertised);
    }

    for (String key : List.of("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR",
        "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR")) {
      assertThat(env.get(key)).as("%s on one broker", key).isEqualTo("1");
    }
    for (String key : List.of("KAFKA_DEFAULT_REPLICATION_FACTOR", "KAFKA_MIN_INSYNC_REPLICAS",
        "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR", "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR")) {
      if (env.containsKey(key)) {
        assertThat(env.get(key)).as("%s on one broker", key).isEqualTo("1");
      }
    }
    for (String name : SIMSTREAM_SERVICES) {
      int replication = Integer.parseInt(effective(name, Settings.TOPIC_REPLICATION));
      assertThat(replication).as("%s: SIMSTREAM_TOPIC_REPLICATION_FACTOR with one broker", name).isEqualTo(1);
    }
  }

  /**
   * Both services create the topics that are missing (TopicAdmin.ensureTopics), whichever starts first, so a
   * topic setting set in one service must be set to the same value in the other; one left to its default would
   * stop matching as soon as the other's value changes.
   */
  @Test
  void bothServicesSetTheSameTopicSettings() {
    Map<String, Map<String, String>> topicEnv = new TreeMap<>();
    for (String name : SIMSTREAM_SERVICES) {
      Map<String, String> topics = new TreeMap<>();
      environment(service(name)).forEach((env, value) -> {
        Setting<?> setting = SETTINGS_BY_ENV.get(env);
        if (setting != null && setting.key().startsWith("topic.")) {
          topics.put(env, value);
        }
      });
      topicEnv.put(name, topics);
    }
    assertThat(topicEnv.get("query-api")).as("query-api's topic settings vs the indexer's")
        .isEqualTo(topicEnv.get("indexer"));
  }

  @Test
  void servicePortsAgreeWithTheSettings() {
    assertPortsAndHealthcheck("query-api", Settings.API_PORT, "/(health|ready)");
    // Swarm replaces an unhealthy container, so the indexer's check asks only whether it serves, as the chart's liveness.
    assertPortsAndHealthcheck("indexer", Settings.INDEXER_ADMIN_PORT, "/metrics");
  }

  private void assertPortsAndHealthcheck(String name, Setting<Integer> portSetting, String healthPaths) {
    int port = Integer.parseInt(effective(name, portSetting));
    assertThat(port).as("%s: %s must be a fixed port in compose", name, portSetting.envName()).isPositive();
    Set<Integer> containerPorts = containerPorts(service(name));
    assertThat(containerPorts).as("%s published/exposed container ports vs %s=%d", name, portSetting.envName(), port)
        .containsExactly(port);
    assertThat(healthcheckCommand(name)).as("%s healthcheck", name)
        .containsPattern("(localhost|127\\.0\\.0\\.1):" + port + healthPaths + "\\b");
  }

  @Test
  void dependenciesWaitForHealthchecksThatExist() {
    for (String name : List.of("kafka", "elasticsearch", "indexer", "query-api")) {
      assertThat(healthcheckCommand(name)).as("%s healthcheck", name).isNotBlank();
    }
    for (String name : services().keySet()) {
      Object dependsOn = service(name).get("depends_on");
      if (dependsOn instanceof Map<?, ?> map) {
        map.forEach((target, spec) -> {
          assertThat(services()).as("%s depends on %s", name, target).containsKey(String.valueOf(target));
          Object condition = spec instanceof Map<?, ?> s ? s.get("condition") : null;
          if ("service_healthy".equals(condition)) {
            assertThat(healthcheckCommand(String.valueOf(target)))
                .as("%s waits for %s to be healthy, which has no healthcheck", name, target).isNotBlank();
          }
        });
      } else if (dependsOn instanceof List<?> list) {
        list.forEach(target -> assertThat(services()).containsKey(String.valueOf(target)));
      }
    }
  }

  @Test
  void simstreamImagesAreBuiltFromTheDeployDockerfiles() {
    Map<String, Setting<Integer>> ports = Map.of("indexer", Settings.INDEXER_ADMIN_PORT, "query-api",
        Settings.API_PORT);
    Map<String, String> jars = Map.of("indexer", "indexer/target/simstream-indexer.jar", "query-api",
        "query-api/target/simstream-query-api.jar");
    for (String name : SIMSTREAM_SERVICES) {
      Object build = service(name).get("build");
      assertThat(build).as("%s build", name).isInstanceOf(Map.class);
      Map<?, ?> b = (Map<?, ?>) build;
      Path context = ROOT.resolve(String.valueOf(b.get("context"))).normalize();
      Path dockerfile = context.resolve(String.valueOf(b.get("dockerfile"))).normalize();
      assertThat(dockerfile).as("%s Dockerfile", name).isRegularFile().startsWith(ROOT.resolve("deploy"));
      String text = read(dockerfile);
      assertThat(text).as("%s base image", name).containsPattern("(?m)^FROM eclipse-temurin:17-jre(\\s|$)");
      String jar = jars.get(name);
      assertThat(text).as("%s copies %s", name, jar)
          .containsPattern("(?m)^COPY\\s+(--\\S+\\s+)*" + Pattern.quote(jar) + "\\s");
      String jarFile = jar.substring(jar.lastIndexOf('/') + 1);
      assertThat(text).as("%s runs its jar", name)
          .containsPattern("(?m)^ENTRYPOINT .*java.*-jar.*" + Pattern.quote(jarFile));
      if (name.equals("indexer")) {
        assertIndexerImageShipsItsClassArchive(text);
        assertThat(text).as("the indexer image's HEALTHCHECK asks only whether it serves (Swarm replaces on it)")
            .containsPattern("(?m)^\\s*CMD curl .*/metrics\"");
      }
      assertThat(text).as("%s EXPOSE = default of %s", name, ports.get(name).envName())
          .containsPattern("(?m)^EXPOSE " + ports.get(name).defaultValue() + "\\b");
      assertDeclaredNames(dockerfile, text);
      assertBuildContextKeepsWhatItCopies(dockerfile, text);
    }
  }

  /** BuildKit reads {@code <Dockerfile>.dockerignore}: a copied file it leaves out fails the build. */
  private static void assertBuildContextKeepsWhatItCopies(Path dockerfile, String text) {
    Path ignoreFile = dockerfile.resolveSibling(dockerfile.getFileName() + ".dockerignore");
    Set<String> kept = read(ignoreFile).lines().map(String::trim).filter(l -> l.startsWith("!"))
        .map(l -> l.substring(1)).collect(Collectors.toSet());
    Matcher copy = Pattern.compile("(?m)^COPY\\s+(?!--from)(?:--\\S+\\s+)*(\\S+)\\s").matcher(text);
    while (copy.find()) {
      assertThat(kept).as("%s keeps %s in the build context", ignoreFile.getFileName(), copy.group(1))
          .contains(copy.group(1));
    }
  }

  /** The archive is dumped from the shipped class list for the copied jar, and the entrypoint maps it. */
  private static void assertIndexerImageShipsItsClassArchive(String text) {
    String classList = "indexer/src/main/resources/cds/indexer.classlist";
    assertThat(ROOT.resolve(classList)).isRegularFile();
    assertThat(text).containsPattern("(?m)^COPY\\s+" + Pattern.quote(classList) + "\\s+/app/indexer.classlist$")
        .containsPattern("(?s)RUN java -Xshare:dump -XX:SharedClassListFile=/app/indexer.classlist\\s*\\\\?\\s*"
            + "-XX:SharedArchiveFile=/app/simstream-indexer.jsa -cp /app/simstream-indexer.jar")
        .containsPattern("(?m)^ENTRYPOINT .*\"-XX:SharedArchiveFile=/app/simstream-indexer.jsa\", \"-jar\"");
  }

  @Test
  void prometheusScrapesBothServicesOnTheirMetricsPorts() {
    Map<String, Object> prometheus = service("prometheus");
    assertThat(String.valueOf(prometheus.get("image"))).startsWith("prom/prometheus:");
    assertThat(stringList(prometheus.get("volumes")))
        .as("prometheus mounts deploy/prometheus.yml as its configuration")
        .anyMatch(v -> v.matches("\\./deploy/prometheus\\.yml:/etc/prometheus/prometheus\\.yml(:ro)?"));

    Map<String, Object> config = yaml(ROOT.resolve("deploy/prometheus.yml"));
    Map<String, Integer> expected = Map.of(
        "indexer", Integer.parseInt(effective("indexer", Settings.INDEXER_ADMIN_PORT)),
        "query-api", Integer.parseInt(effective("query-api", Settings.API_PORT)));
    Set<String> scraped = new TreeSet<>();
    for (Object job : list(config.get("scrape_configs"))) {
      Map<?, ?> j = (Map<?, ?>) job;
      List<String> targets = new ArrayList<>();
      for (Object sc : list(j.get("static_configs"))) {
        targets.addAll(stringList(((Map<?, ?>) sc).get("targets")));
      }
      for (Object dns : list(j.get("dns_sd_configs"))) {
        Map<?, ?> d = (Map<?, ?>) dns;
        for (String host : stringList(d.get("names"))) {
          targets.add(host + ":" + d.get("port"));
        }
      }
      for (String target : targets) {
        String[] hostPort = target.split(":");
        assertThat(hostPort).as("target %s", target).hasSize(2);
        String host = hostPort[0];
        assertThat(host.equals("localhost") || services().containsKey(host))
            .as("job %s: target host %s is a compose service", j.get("job_name"), host).isTrue();
        if (expected.containsKey(host)) {
          assertThat(Integer.parseInt(hostPort[1])).as("job %s: port of %s", j.get("job_name"), host)
              .isEqualTo(expected.get(host));
          assertThat(String.valueOf(j.containsKey("metrics_path") ? j.get("metrics_path") : "/metrics"))
              .as("job %s metrics path", j.get("job_name")).isEqualTo("/metrics");
          scraped.add(host);
        }
      }
    }
    assertThat(scraped).containsExactlyInAnyOrderElementsOf(expected.keySet());
  }

  // ---------------------------------------------------------------------------------------------------------------
  // docs/deployment.md

  /**
   * Elasticsearch checks privileges on the name a request uses: the indexer's bulk index actions name the write
   * alias, so a role for a custom indexName must list the alias too, as the example in the roles section does.
   */
  @Test
  void rolesForACustomIndexNameListItsWriteAlias() {
    String docs = read(ROOT.resolve("docs/deployment.md"));
    Matcher names = Pattern.compile("\"names\":\\s*\\[[^]]*\"simstream-\\*\",\\s*\"(\\w+)\",\\s*\"([^\"]+)\"")
        .matcher(docs);
    assertThat(names.find()).as("deployment.md: a role's names with a custom index and its alias").isTrue();
    assertThat(names.group(2)).as("the write alias of %s", names.group(1))
        .isEqualTo(IndexMapping.writeAlias(names.group(1)));
  }

  /**
   * A run chooses its index's shards and replicas; left out, the replicas follow the nodes (0-1) so a single node
   * is green, and deployment.md says so, shows a run that sets them and how to change replicas on a live index.
   */
  @Test
  void aRunsShardsAndReplicasAreDocumentedWithTheDefaultTheIndexGets() {
    String body = IndexMapping.createIndexBodyWithWriteAlias("simstream-d-k",
        new VectorFieldSpec(Metric.COSINE, 4, IndexMapping.DEFAULT_INDEX_OPTIONS), IndexLayout.DEFAULT);
    assertThat(body).contains("\"auto_expand_replicas\":\"0-1\"").doesNotContain("number_of_shards");
    assertThat(read(ROOT.resolve("docs/deployment.md")))
        .contains("`auto_expand_replicas: 0-1`")
        .containsPattern("\\{\"brainKey\": \"clip\", [^}]*\"shards\": \\d+, \"replicas\": \\d+}")
        .containsPattern("PUT /<index>/_settings\\s*\\n\\s*\\{\"index\":\\s*\\{\"number_of_replicas\":");
  }

  /** The memory section describes the indexer's RocksDB setter with the threshold it sets. */
  @Test
  void rocksDbSectionDescribesTheSampleStoreSetter() {
    String setter = read(ROOT.resolve(
        "indexer/src/main/java/io/simstream/indexer/state/SampleStoreRocksDbConfig.java"));
    Matcher minBlob = Pattern.compile("MIN_BLOB_BYTES\\s*=\\s*(\\d+)").matcher(setter);
    assertThat(minBlob.find()).as("SampleStoreRocksDbConfig.MIN_BLOB_BYTES").isTrue();
    assertThat(read(ROOT.resolve("docs/deployment.md")))
        .contains("`SampleStoreRocksDbConfig`")
        .containsPattern("values of " + minBlob.group(1) + " bytes and more\\b[^.]*blob\\s+files");
  }

  // ---------------------------------------------------------------------------------------------------------------
  // helm/simstream

  @Test
  void chartMetadataIsValid() {
    Map<String, Object> chart = yaml(chartDir().resolve("Chart.yaml"));
    assertThat(chart.get("apiVersion")).isEqualTo("v2");
    assertThat(chart.get("name")).isEqualTo("simstream");
    assertThat(String.valueOf(chart.get("version"))).matches("\\d+\\.\\d+\\.\\d+(-[0-9A-Za-z.-]+)?");
    assertThat(String.valueOf(chart.get("appVersion"))).isNotBlank().isNotEqualTo("null");
    assertThat(chart.getOrDefault("type", "application")).isEqualTo("application");
  }

  @Test
  void valuesMatchTheSettings() {
    Map<String, Object> values = values();
    assertThat(valueAt(values, "queryApi.port")).as("queryApi.port vs Settings.API_PORT")
        .hasToString(Settings.API_PORT.defaultValue());
    assertThat(valueAt(values, "indexer.adminPort")).as("indexer.adminPort vs Settings.INDEXER_ADMIN_PORT")
        .hasToString(Settings.INDEXER_ADMIN_PORT.defaultValue());
    assertThat(String.valueOf(valueAt(values, "kafka.bootstrapServers"))).isNotBlank().isNotEqualTo("null");
    assertThat(String.valueOf(valueAt(values, "elasticsearch.hosts"))).isNotBlank().isNotEqualTo("null");
    for (String component : List.of("indexer", "queryApi")) {
      assertThat(String.valueOf(valueAt(values, component + ".image.repository"))).isNotBlank()
          .isNotEqualTo("null");
      assertThat(hasValue(values, component + ".image.tag")).as(component + ".image.tag").isTrue();
      assertThat(valueAt(values, component + ".replicaCount")).as(component + ".replicaCount")
          .isInstanceOf(Integer.class).satisfies(n -> assertThat((Integer) n).isPositive());
      assertThat(valueAt(values, component + ".resources")).as(component + ".resources").isInstanceOf(Map.class);
    }
    for (String path : List.of("elasticsearch.auth.existingSecret", "elasticsearch.auth.usernameKey",
        "elasticsearch.auth.passwordKey", "elasticsearch.auth.apiKeyKey", "queryApi.apiToken.existingSecret",
        "queryApi.apiToken.key")) {
      assertThat(hasValue(values, path)).as("values.yaml has %s", path).isTrue();
    }
    Object extra = values.get("extraConfig");
    if (extra instanceof Map<?, ?> map) {
      for (Object key : map.keySet()) {
        assertThat(isDeclaredEnv(String.valueOf(key))).as("extraConfig.%s is a declared setting", key).isTrue();
        assertThat(SECRET_ENV).as("extraConfig.%s: credentials belong in a Secret", key)
            .doesNotContain(String.valueOf(key));
      }
    }
    assertThat(read(chartDir().resolve("values.yaml")))
        .as("values.yaml tells that indexer replicas beyond the partitions idle").containsIgnoringCase("idle");
  }

  /**
   * The chart's scrape annotations and ServiceMonitor fetch the query API's /metrics on its port "http" without
   * a token. The API token alone leaves /metrics open, but api.metrics-auth=true answers those scrapes 401 and
   * api.metrics-port moves /metrics off that port (404), so the chart refuses either in extraConfig while it
   * scrapes.
   */
  @Test
  void extraConfigCannotHideTheQueryApisMetricsFromTheChartsScrape() {
    String configMap = read(template("configmap.yaml"));
    assertThat(configMap).as("scraping = annotations or ServiceMonitor").containsPattern(
        "\\$scraped\\s*:=\\s*or \\$\\.Values\\.metrics\\.prometheusAnnotations "
        + "\\$\\.Values\\.metrics\\.serviceMonitor\\.enabled\\s");
    for (Setting<?> setting : List.of(Settings.API_METRICS_AUTH, Settings.API_METRICS_PORT)) {
      assertThat(configMap).as("configmap.yaml fails on extraConfig.%s while the chart scrapes", setting.envName())
          .containsPattern("\\{\\{-?\\s*if and \\$scraped \\(eq \\$name \"" + setting.envName()
              + "\"\\)[^}]*}}\\s*\\n\\s*\\{\\{-?\\s*fail\\b[^}]*extraConfig\\." + setting.envName());
    }
  }

  @Test
  void configMapSettingsAreDeclaredAndTheirValuesValid() {
    String configMap = read(template("configmap.yaml"));
    assertThat(configMap).contains("kind: ConfigMap");
    Map<String, String> entries = new TreeMap<>();
    Matcher m = Pattern.compile("(?m)^\\s*(SIMSTREAM_[A-Z0-9_]+):\\s*(.*)$").matcher(configMap);
    while (m.find()) {
      entries.put(m.group(1), m.group(2));
    }
    assertThat(entries).containsKeys(Settings.KAFKA_BOOTSTRAP_SERVERS.envName(), Settings.ES_HOSTS.envName(),
        Settings.API_PORT.envName(), Settings.INDEXER_ADMIN_PORT.envName());
    Map<String, Object> values = values();
    entries.forEach((env, expression) -> {
      assertThat(isDeclaredEnv(env)).as("ConfigMap key %s is a declared setting", env).isTrue();
      Matcher ref = Pattern.compile("^\\{\\{-?\\s*(?:required \"[^\"]*\"\\s+)?\\.Values\\.([\\w.]+)")
          .matcher(expression);
      if (ref.find() && valueAt(values, ref.group(1)) != null) {
        String value = String.valueOf(valueAt(values, ref.group(1)));
        assertThatCode(() -> SETTINGS_BY_ENV.get(env).parse(value, "values.yaml " + ref.group(1)))
            .as("%s from .Values.%s = '%s'", env, ref.group(1), value).doesNotThrowAnyException();
      }
    });
  }

  /**
   * values.schema.json must refuse at install what a service would refuse at start. For every integer the
   * ConfigMap passes to a setting, the schema's minimum and maximum are the validator's own bounds: each is
   * accepted by Setting.parse and the next integer outside is not. The ports are the one exception: the chart
   * needs a fixed port for containerPort, the probes and the Service, so 0 (any free port) stays out.
   */
  @Test
  void schemaBoundsOfIntegerSettingsAreTheValidatorsBounds() {
    Map<String, Long> stricterMinimum = Map.of(Settings.INDEXER_ADMIN_PORT.envName(), 1L,
        Settings.API_PORT.envName(), 1L);
    Map<String, Object> schema = yaml(chartDir().resolve("values.schema.json"));
    Matcher m = Pattern.compile(
        "(?m)^\\s*(SIMSTREAM_[A-Z0-9_]+):\\s*\\{\\{-?\\s*\\.Values\\.([\\w.]+)\\s*\\|\\s*int\\b")
        .matcher(read(template("configmap.yaml")));
    Set<String> checked = new TreeSet<>();
    while (m.find()) {
      String env = m.group(1);
      String path = m.group(2);
      Setting<?> setting = SETTINGS_BY_ENV.get(env);
      Map<?, ?> node = schemaNode(schema, path);
      assertThat(node.get("type")).as("schema %s type", path).isEqualTo("integer");
      assertThat(node.get("minimum")).as("schema %s minimum (%s)", path, env).isInstanceOf(Number.class);
      assertThat(node.get("maximum")).as("schema %s maximum (%s)", path, env).isInstanceOf(Number.class);
      long min = ((Number) node.get("minimum")).longValue();
      long max = ((Number) node.get("maximum")).longValue();
      assertThatCode(() -> setting.parse(Long.toString(min), "schema")).as("%s minimum %d", path, min)
          .doesNotThrowAnyException();
      assertThatCode(() -> setting.parse(Long.toString(max), "schema")).as("%s maximum %d", path, max)
          .doesNotThrowAnyException();
      if (stricterMinimum.containsKey(env)) {
        assertThat(min).as("%s minimum", path).isEqualTo(stricterMinimum.get(env));
      } else {
        assertThatCode(() -> setting.parse(Long.toString(min - 1), "schema"))
            .as("%s minimum %d: %s also takes %d", path, min, env, min - 1)
            .isInstanceOf(IllegalArgumentException.class);
      }
      assertThatCode(() -> setting.parse(Long.toString(max + 1), "schema"))
          .as("%s maximum %d: %s also takes %d", path, max, env, max + 1).isInstanceOf(IllegalArgumentException.class);
      checked.add(path);
    }
    assertThat(checked).as("integer settings of the ConfigMap").contains("topics.partitions",
        "topics.replicationFactor", "elasticsearch.timeoutMs", "indexer.threads");
  }

  @Test
  void deploymentFilesAndDocsMentionOnlyDeclaredSettings() throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.walk(chartDir())) {
      s.filter(Files::isRegularFile).forEach(files::add);
    }
    files.add(ROOT.resolve("docker-compose.yml"));
    files.add(ROOT.resolve("docs/deployment.md"));
    try (Stream<Path> s = Files.list(ROOT.resolve("deploy"))) {
      s.filter(Files::isRegularFile).forEach(files::add);
    }
    for (Path file : files) {
      assertDeclaredNames(file, read(file));
    }
  }

  @Test
  void configMapCarriesNoCredentials() throws IOException {
    for (Path file : templates()) {
      String text = read(file);
      if (!text.contains("kind: ConfigMap")) {
        continue;
      }
      for (String secret : SECRET_ENV) {
        assertThat(text).as("%s: %s belongs in a Secret", file.getFileName(), secret)
            .doesNotContainPattern("(?m)^\\s*" + secret + "\\s*:");
      }
      assertThat(text).as("%s reads credential values", file.getFileName())
          .doesNotContain(".Values.elasticsearch.auth").doesNotContain(".Values.queryApi.apiToken");
    }
    assertThat(read(template("secret.yaml"))).contains("kind: Secret");
  }

  @Test
  void credentialsComeFromSecretKeyRefs() throws IOException {
    Map<String, Set<String>> expected = Map.of(
        "indexer-deployment.yaml", Set.of(Settings.ES_USERNAME.envName(), Settings.ES_PASSWORD.envName(),
            Settings.ES_API_KEY.envName()),
        "query-api-deployment.yaml", Set.of(Settings.ES_USERNAME.envName(), Settings.ES_PASSWORD.envName(),
            Settings.ES_API_KEY.envName(), Settings.API_TOKEN.envName()));
    String configMapName = includedName(read(template("configmap.yaml")), "name:");
    expected.forEach((file, names) -> {
      String text = read(template(file));
      for (String name : names) {
        String block = envBlock(text, name);
        assertThat(block).as("%s: env %s", file, name).isNotNull();
        assertThat(block).as("%s: %s from a secretKeyRef", file, name).contains("secretKeyRef:")
            .doesNotContain("configMapKeyRef").doesNotContainPattern("(?m)^\\s*value:");
      }
      assertThat(text).as("%s: non-secret settings from the chart's ConfigMap", file)
          .containsPattern("configMapRef:\\s*\\n\\s*name:\\s*" + Pattern.quote(configMapName));
    });
    for (Path file : templates()) {
      if (file.getFileName().toString().equals("secret.yaml")) {
        continue;
      }
      assertThat(read(file)).as("%s: credential values are only read by secret.yaml", file.getFileName())
          .doesNotContainPattern("\\.Values\\.elasticsearch\\.auth\\.(username|password|apiKey)\\b")
          .doesNotContain(".Values.queryApi.apiToken.value");
    }
  }

  @Test
  void containerPortsAndScrapeAnnotationsUseTheValuesThatMatchSettings() {
    assertPortWiring("query-api-deployment.yaml", Settings.API_PORT);
    assertPortWiring("indexer-deployment.yaml", Settings.INDEXER_ADMIN_PORT);
  }

  private void assertPortWiring(String file, Setting<Integer> portSetting) {
    String text = read(template(file));
    Matcher port = Pattern.compile("containerPort:\\s*\\{\\{-?\\s*\\.Values\\.([\\w.]+)[^}]*}}").matcher(text);
    assertThat(port.find()).as("%s: containerPort from a value", file).isTrue();
    String path = port.group(1);
    assertThat(port.find()).as("%s: one container port", file).isFalse();
    assertThat(valueAt(values(), path)).as("%s: .Values.%s vs default of %s", file, path, portSetting.envName())
        .hasToString(portSetting.defaultValue());
    String configMap = read(template("configmap.yaml"));
    assertThat(configMap).as("%s is set from the same value as the container port", portSetting.envName())
        .containsPattern(portSetting.envName() + ":\\s*\\{\\{-?\\s*\\.Values\\." + Pattern.quote(path) + "\\b");
    assertThat(text).as("%s scrape annotations", file)
        .containsPattern("prometheus\\.io/scrape:\\s*\"true\"")
        .containsPattern("prometheus\\.io/port:\\s*\\{\\{-?\\s*\\.Values\\." + Pattern.quote(path) + "\\b")
        .containsPattern("prometheus\\.io/path:\\s*\"?/metrics\"?");
  }

  /**
   * A failing liveness or startup probe restarts the container, so those two may only ask whether the process
   * is alive. The indexer's /health answers 503 while Elasticsearch is unreachable (its stream threads fail on
   * the writes), and restarting cannot end an outage: it only restart-loops the indexer and moves its partitions
   * around. Its admin port has no route that says "alive" alone, so liveness and startup connect to the port
   * (the indexer exits when Kafka Streams fails for good or its threads keep failing); readiness keeps /health. The query API's
   * /health answers 200 whenever the process serves; its /ready checks Elasticsearch and the views.
   */
  @Test
  void probesRestartOnlyADeadProcessAndUseTheContainerPort() {
    Map<String, Map<String, String>> expected = Map.of(
        "query-api-deployment.yaml", Map.of("startupProbe", "GET /health", "livenessProbe", "GET /health",
            "readinessProbe", "GET /ready"),
        "indexer-deployment.yaml", Map.of("startupProbe", "TCP", "livenessProbe", "TCP",
            "readinessProbe", "GET /health"));
    Pattern probe = Pattern.compile("(livenessProbe|readinessProbe|startupProbe):\\s*\\n"
        + "\\s*(?:httpGet:\\s*\\n\\s*path:\\s*(\\S+)|tcpSocket:)\\s*\\n\\s*port:\\s*(\\S+)");
    expected.forEach((file, probes) -> {
      String text = read(template(file));
      Matcher portName = Pattern.compile("-\\s*name:\\s*(\\S+)\\s*\\n\\s*containerPort:").matcher(text);
      assertThat(portName.find()).as("%s: named container port", file).isTrue();
      assertThat(count(text, "(livenessProbe|readinessProbe|startupProbe):")).as("%s probes", file)
          .isEqualTo(probes.size());
      Map<String, String> found = new TreeMap<>();
      Matcher m = probe.matcher(text);
      while (m.find()) {
        assertThat(m.group(3)).as("%s %s port", file, m.group(1)).isEqualTo(portName.group(1));
        found.put(m.group(1), m.group(2) == null ? "TCP" : "GET " + m.group(2));
      }
      assertThat(found).as("%s probes", file).isEqualTo(probes);
    });
  }

  @Test
  void templatesAreStructurallySoundAndReferenceExistingValuesAndHelpers() throws IOException {
    Set<String> defined = new TreeSet<>();
    Map<String, String> texts = new TreeMap<>();
    for (Path file : templates()) {
      String text = read(file);
      texts.put(file.getFileName().toString(), text);
      Matcher d = Pattern.compile("\\{\\{-?\\s*define\\s+\"([^\"]+)\"").matcher(text);
      while (d.find()) {
        defined.add(d.group(1));
      }
    }
    assertThat(texts).containsKeys("_helpers.tpl", "configmap.yaml", "secret.yaml", "indexer-deployment.yaml",
        "indexer-service.yaml", "query-api-deployment.yaml", "query-api-service.yaml");
    Map<String, Object> values = values();
    texts.forEach((file, text) -> {
      assertThat(count(text, "\\{\\{")).as("%s: {{ vs }}", file).isEqualTo(count(text, "}}"));
      assertThat(count(text, "\\{\\{-?\\s*(if|range|with|define|block)\\b"))
          .as("%s: blocks vs {{ end }}", file).isEqualTo(count(text, "\\{\\{-?\\s*end\\s*-?}}"));
      Matcher include = Pattern.compile("\\b(?:include|template)\\s+\"([^\"]+)\"").matcher(text);
      while (include.find()) {
        assertThat(defined).as("%s includes %s", file, include.group(1)).contains(include.group(1));
      }
      String code = text.replaceAll("(?s)\\{\\{-?\\s*/\\*.*?\\*/\\s*-?}}", "");
      Matcher ref = Pattern.compile("\\$?\\.Values\\.([A-Za-z_][\\w]*(?:\\.[A-Za-z_][\\w]*)*)").matcher(code);
      while (ref.find()) {
        assertThat(hasValue(values, ref.group(1))).as("%s: .Values.%s exists in values.yaml", file, ref.group(1))
            .isTrue();
      }
      if (file.endsWith(".yaml")) {
        assertThat(text).as("%s declares a kind", file).containsPattern("(?m)^kind:\\s*\\w+");
      }
    });
    for (String kind : List.of("Deployment", "Service")) {
      for (String component : List.of("indexer", "query-api")) {
        String file = component + "-" + kind.toLowerCase() + ".yaml";
        assertThat(texts.get(file)).as(file).containsPattern("(?m)^kind:\\s*" + kind + "\\s*$");
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // helpers

  private static Path findRepositoryRoot() {
    List<Path> starts = new ArrayList<>();
    starts.add(Path.of("").toAbsolutePath());
    try {
      starts.add(Path.of(DeploymentFilesTest.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
    } catch (URISyntaxException | RuntimeException e) {
      // the working directory alone then
    }
    for (Path start : starts) {
      for (Path dir = start; dir != null; dir = dir.getParent()) {
        if (Files.isRegularFile(dir.resolve("docker-compose.yml")) && Files.isDirectory(dir.resolve("helm"))
            && Files.isDirectory(dir.resolve("common"))) {
          return dir;
        }
      }
    }
    throw new IllegalStateException("no docker-compose.yml + helm/ + common/ above " + starts);
  }

  private static boolean isDeclaredEnv(String name) {
    return SETTINGS_BY_ENV.containsKey(name) || Settings.CONFIG_FILE_ENV.equals(name) || isKafkaPassThrough(name);
  }

  /** The family itself ({@code SIMSTREAM_KAFKA_<NAME>}) or a Kafka client property it may name, or its _FILE form. */
  private static boolean isKafkaPassThrough(String name) {
    if (name.equals(KafkaClientProperties.ENV_PREFIX)) {
      return true;
    }
    String property = name.replaceFirst("_FILE$", "");
    return KafkaClientProperties.passThroughNames().stream()
        .anyMatch(p -> property.equals(KafkaClientProperties.envName(p)));
  }

  private static void assertDeclaredNames(Path file, String text) {
    Matcher m = SIMSTREAM_NAME.matcher(text);
    Set<String> unknown = new LinkedHashSet<>();
    while (m.find()) {
      if (!isDeclaredEnv(m.group())) {
        unknown.add(m.group());
      }
    }
    assertThat(unknown).as("%s mentions variables that are not settings in Settings.ALL", ROOT.relativize(file))
        .isEmpty();
  }

  private static Map<String, Object> yaml(Path file) {
    assertThat(file).isRegularFile();
    Object loaded = new Yaml(new SafeConstructor(new LoaderOptions())).load(read(file));
    assertThat(loaded).as("%s is a YAML mapping", file).isInstanceOf(Map.class);
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) loaded;
    return map;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, Object> compose() {
    return yaml(ROOT.resolve("docker-compose.yml"));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> services() {
    Object services = compose().get("services");
    assertThat(services).as("compose services").isInstanceOf(Map.class);
    return (Map<String, Object>) services;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> service(String name) {
    Object service = services().get(name);
    assertThat(service).as("compose service %s", name).isInstanceOf(Map.class);
    return (Map<String, Object>) service;
  }

  /** The environment of a compose service, from map or KEY=VALUE list syntax; a value of null = from the host. */
  private static Map<String, String> environment(Map<String, Object> service) {
    Map<String, String> env = new LinkedHashMap<>();
    Object raw = service.get("environment");
    if (raw instanceof Map<?, ?> map) {
      map.forEach((k, v) -> env.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
    } else if (raw instanceof List<?> list) {
      for (Object item : list) {
        String s = String.valueOf(item);
        int eq = s.indexOf('=');
        env.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? null : s.substring(eq + 1));
      }
    }
    return env;
  }

  /** The value a compose service runs with: its literal environment value, else the setting's default. */
  private static String effective(String serviceName, Setting<?> setting) {
    String value = environment(service(serviceName)).get(setting.envName());
    if (value == null) {
      return setting.defaultValue();
    }
    assertThat(value).as("%s: %s must be literal here", serviceName, setting.envName()).doesNotContain("${");
    return value.trim();
  }

  private static Set<String> healthyDependencies(String name) {
    Set<String> healthy = new TreeSet<>();
    if (service(name).get("depends_on") instanceof Map<?, ?> map) {
      map.forEach((target, spec) -> {
        if (spec instanceof Map<?, ?> s && "service_healthy".equals(s.get("condition"))) {
          healthy.add(String.valueOf(target));
        }
      });
    }
    return healthy;
  }

  private static String healthcheckCommand(String name) {
    if (!(service(name).get("healthcheck") instanceof Map<?, ?> hc) || Boolean.TRUE.equals(hc.get("disable"))) {
      return "";
    }
    Object test = hc.get("test");
    if (test instanceof List<?> list) {
      return list.stream().map(String::valueOf).filter(s -> !s.startsWith("CMD")).collect(Collectors.joining(" "));
    }
    return test == null ? "" : String.valueOf(test);
  }

  /** Container-side ports of a service's ports (short or long syntax) and expose entries. */
  private static Set<Integer> containerPorts(Map<String, Object> service) {
    Set<Integer> ports = new TreeSet<>();
    for (Object entry : list(service.get("ports"))) {
      if (entry instanceof Map<?, ?> m) {
        ports.add(Integer.parseInt(String.valueOf(m.get("target"))));
      } else {
        String s = String.valueOf(entry).replaceAll("/(tcp|udp)$", "");
        ports.add(Integer.parseInt(s.substring(s.lastIndexOf(':') + 1)));
      }
    }
    for (Object entry : list(service.get("expose"))) {
      ports.add(Integer.parseInt(String.valueOf(entry).replaceAll("/(tcp|udp)$", "")));
    }
    return ports;
  }

  /** NAME -> port of "NAME://host:port,..." or NAME -> value of "NAME:VALUE,...". */
  private static Map<String, String> listenerPorts(String spec) {
    Map<String, String> result = new LinkedHashMap<>();
    assertThat(spec).as("listener list").isNotBlank();
    for (String item : spec.split(",")) {
      String s = item.trim();
      int sep = s.indexOf(':');
      String name = s.substring(0, sep);
      String rest = s.substring(sep + 1);
      result.put(name, rest.startsWith("//") ? rest.substring(rest.lastIndexOf(':') + 1) : rest);
    }
    return result;
  }

  private static String interpolatedVariable(String value) {
    if (value == null) {
      return null;
    }
    Matcher m = INTERPOLATION.matcher(value.trim());
    return m.matches() ? m.group(1) : null;
  }

  private static URI uri(String s) {
    try {
      return new URI(s);
    } catch (URISyntaxException e) {
      return fail("not a URL: " + s);
    }
  }

  private static List<?> list(Object o) {
    return o instanceof List<?> l ? l : List.of();
  }

  private static List<String> stringList(Object o) {
    return list(o).stream().map(String::valueOf).toList();
  }

  private static Path chartDir() {
    Path dir = ROOT.resolve("helm/simstream");
    assertThat(dir).isDirectory();
    return dir;
  }

  private static Path template(String name) {
    Path file = chartDir().resolve("templates").resolve(name);
    assertThat(file).isRegularFile();
    return file;
  }

  private static List<Path> templates() throws IOException {
    try (Stream<Path> s = Files.list(chartDir().resolve("templates"))) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }

  private static Map<String, Object> values() {
    return yaml(chartDir().resolve("values.yaml"));
  }

  /** The schema of the value at a dotted path, through nested "properties". */
  private static Map<?, ?> schemaNode(Map<String, Object> schema, String dotted) {
    Object node = schema;
    for (String part : dotted.split("\\.")) {
      Object properties = node instanceof Map<?, ?> map ? map.get("properties") : null;
      node = properties instanceof Map<?, ?> p ? p.get(part) : null;
      assertThat(node).as("values.schema.json has %s", dotted).isInstanceOf(Map.class);
    }
    return (Map<?, ?>) node;
  }

  private static Object valueAt(Map<String, Object> values, String dotted) {
    Object current = values;
    for (String part : dotted.split("\\.")) {
      if (!(current instanceof Map<?, ?> map) || !map.containsKey(part)) {
        return null;
      }
      current = map.get(part);
    }
    return current;
  }

  private static boolean hasValue(Map<String, Object> values, String dotted) {
    Object current = values;
    for (String part : dotted.split("\\.")) {
      if (!(current instanceof Map<?, ?> map) || !map.containsKey(part)) {
        return false;
      }
      current = map.get(part);
    }
    return true;
  }

  /** The "- name: NAME" entry of an env list, up to the next list item at the same indentation. */
  private static String envBlock(String text, String name) {
    Matcher start = Pattern.compile("(?m)^(\\s*)- name:\\s*" + name + "\\s*$").matcher(text);
    if (!start.find()) {
      return null;
    }
    String indent = start.group(1);
    int from = start.end();
    Matcher next = Pattern.compile("(?m)^(" + indent + "- |" + indent.substring(0, Math.max(0, indent.length() - 2))
        + "[a-zA-Z]|" + indent + "\\{\\{)").matcher(text);
    int to = next.find(from) ? next.start() : text.length();
    return text.substring(from, to);
  }

  /** The helper named by `KEY {{ include "helper" . }}` in a template, e.g. the ConfigMap's name. */
  private static String includedName(String text, String key) {
    Matcher m = Pattern.compile(Pattern.quote(key) + "\\s*(\\{\\{\\s*include\\s+\"[^\"]+\"\\s*\\.\\s*}})")
        .matcher(text);
    assertThat(m.find()).as("'%s {{ include ... }}'", key).isTrue();
    return m.group(1);
  }

  private static int count(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
