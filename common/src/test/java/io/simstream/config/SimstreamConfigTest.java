package io.simstream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimstreamConfigTest {

  @Test
  void defaultsApplyWhenNothingIsSet() {
    SimstreamConfig config = SimstreamConfig.load(Map.of());
    assertThat(config.get(Settings.ES_HOSTS)).containsExactly(URI.create("http://localhost:9200"));
    assertThat(config.get(Settings.API_PORT)).isEqualTo(8080);
    assertThat(config.sourceOf(Settings.API_PORT)).isEqualTo("default");
  }

  @Test
  void environmentBeatsFileWhichBeatsDefault(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("simstream.properties");
    Files.writeString(file, "es.hosts=http://from-file:9200\napi.port=9000\n");
    SimstreamConfig config = SimstreamConfig.load(Map.of(
        Settings.CONFIG_FILE_ENV, file.toString(),
        "SIMSTREAM_API_PORT", "7000"));
    assertThat(config.get(Settings.API_PORT)).isEqualTo(7000);
    assertThat(config.sourceOf(Settings.API_PORT)).isEqualTo("environment");
    assertThat(config.get(Settings.ES_HOSTS)).containsExactly(URI.create("http://from-file:9200"));
    assertThat(config.sourceOf(Settings.ES_HOSTS)).startsWith("file ");
  }

  @Test
  void everyProblemIsReportedTogetherWithTheVariableName(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.properties");
    Files.writeString(file, "es.hostz=typo\n");
    assertThatThrownBy(() -> SimstreamConfig.load(Map.of(
        Settings.CONFIG_FILE_ENV, file.toString(),
        "SIMSTREAM_API_PORT", "eighty",
        "SIMSTREAM_INDEXER_BATCH_SIZE", "0")))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(3)
            .anySatisfy(p -> assertThat(p).contains("SIMSTREAM_API_PORT").contains("eighty"))
            .anySatisfy(p -> assertThat(p).contains("SIMSTREAM_INDEXER_BATCH_SIZE").contains("[1, 100000]"))
            .anySatisfy(p -> assertThat(p).contains("unknown key 'es.hostz'")));
  }

  @Test
  void aMissingFileIsAProblemNotASilentDefault() {
    assertThatThrownBy(() -> SimstreamConfig.load(Map.of(Settings.CONFIG_FILE_ENV, "/no/such/file")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("/no/such/file");
  }

  @Test
  void overridesAreValidatedToo() {
    SimstreamConfig config = SimstreamConfig.load(Map.of());
    assertThat(config.with(Map.of(Settings.API_PORT, "0")).get(Settings.API_PORT)).isZero();
    assertThatThrownBy(() -> config.with(Map.of(Settings.API_PORT, "-1"))).isInstanceOf(ConfigException.class);
  }

  @Test
  void settingsHaveDistinctKeysAndEnvironmentNames() {
    Set<String> envNames = new HashSet<>();
    for (Setting<?> setting : Settings.ALL) {
      assertThat(envNames.add(setting.envName())).as(setting.key()).isTrue();
      assertThat(setting.envName()).matches("SIMSTREAM_[A-Z0-9_]+");
    }
    assertThat(Settings.ES_API_KEY.envName()).isEqualTo("SIMSTREAM_ES_API_KEY");
  }

  @Test
  void elasticsearchUrlsGetTheirSchemesDefaultPort() {
    SimstreamConfig config = SimstreamConfig.load(Map.of("SIMSTREAM_ES_HOSTS",
        " https://my-deployment.es.eu-west-1.aws.found.io , http://es-1, es-2:9201,HTTPS://es-3:9243/"));
    assertThat(config.get(Settings.ES_HOSTS)).containsExactly(
        URI.create("https://my-deployment.es.eu-west-1.aws.found.io:443"), URI.create("http://es-1:9200"),
        URI.create("http://es-2:9201"), URI.create("https://es-3:9243"));
  }

  @Test
  void malformedEndpointsAndCaFilesAreReportedWithTheOtherProblems(@TempDir Path dir) throws Exception {
    Path notACertificate = Files.writeString(dir.resolve("ca.pem"), "not a certificate");
    assertThatThrownBy(() -> SimstreamConfig.load(Map.of(
        "SIMSTREAM_ES_HOSTS", "http://es-1:9200,ftp://es-2",
        "SIMSTREAM_KAFKA_BOOTSTRAP_SERVERS", "kafka-1:9092,kafka-2",
        "SIMSTREAM_ES_CA_CERT", notACertificate.toString(),
        "SIMSTREAM_API_PORT", "eighty")))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(4)
            .anySatisfy(p -> assertThat(p).startsWith("SIMSTREAM_ES_HOSTS").contains("'ftp://es-2'"))
            .anySatisfy(p -> assertThat(p).startsWith("SIMSTREAM_KAFKA_BOOTSTRAP_SERVERS")
                .contains("'kafka-2' is not host:port"))
            .anySatisfy(p -> assertThat(p).startsWith("SIMSTREAM_ES_CA_CERT").contains("no valid certificate"))
            .anySatisfy(p -> assertThat(p).startsWith("SIMSTREAM_API_PORT")));
  }

  @Test
  void eachKindOfBadElasticsearchUrlSaysWhatIsWrong() {
    Map<String, String> expectedReasons = Map.of(
        "http://es 1:9200", "is not a URL",
        "https://:9200", "no valid host name",
        "https://elastic:secret@es:9200", "holds credentials",
        "https://es:9200/prefix", "has a path",
        "http://es:99999", "not in [1, 65535]",
        " , ", "no URL given");
    expectedReasons.forEach((raw, reason) -> assertThatThrownBy(
        () -> SimstreamConfig.load(Map.of("SIMSTREAM_ES_HOSTS", raw)))
        .as(raw).isInstanceOf(ConfigException.class).hasMessageContaining(reason));
  }

  @Test
  void kafkaBootstrapServersAcceptWhatTheClientsAccept() {
    SimstreamConfig config = SimstreamConfig.load(Map.of("SIMSTREAM_KAFKA_BOOTSTRAP_SERVERS",
        " kafka-0.kafka:9092, 10.0.0.7:9093,[::1]:9094,SASL_SSL://b-1.msk.amazonaws.com:9096 "));
    assertThat(config.get(Settings.KAFKA_BOOTSTRAP_SERVERS))
        .isEqualTo("kafka-0.kafka:9092,10.0.0.7:9093,[::1]:9094,SASL_SSL://b-1.msk.amazonaws.com:9096");
    for (String bad : List.of("kafka", "kafka:", "kafka:port", "kafka:70000", ",")) {
      assertThatThrownBy(() -> SimstreamConfig.load(Map.of("SIMSTREAM_KAFKA_BOOTSTRAP_SERVERS", bad)))
          .as(bad).isInstanceOf(ConfigException.class).hasMessageContaining("SIMSTREAM_KAFKA_BOOTSTRAP_SERVERS");
    }
  }

  @Test
  void aCaFileMustExistAndHoldACertificate() throws URISyntaxException {
    String pem = Path.of(getClass().getResource("test-ca.pem").toURI()).toString();
    assertThat(SimstreamConfig.load(Map.of("SIMSTREAM_ES_CA_CERT", pem, "SIMSTREAM_ES_HOSTS", "https://es"))
        .get(Settings.ES_CA_CERT)).isEqualTo(pem);
    assertThatThrownBy(() -> SimstreamConfig.load(Map.of("SIMSTREAM_ES_CA_CERT", "/no/such/ca.pem")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("SIMSTREAM_ES_CA_CERT")
        .hasMessageContaining("no such file");
  }

  @Test
  void aMisspelledVariableIsAWarningNamingTheClosestSetting() {
    SimstreamConfig config = SimstreamConfig.load(Map.of(
        "SIMSTREAM_API_TOKN", "secret",
        "SIMSTREAM_SOMETHING_ELSE_ENTIRELY", "x",
        "SIMSTREAM_ES_VERSION", "9.5.4",
        "PATH", "/usr/bin"));
    assertThat(config.warnings()).containsExactly(
        "SIMSTREAM_API_TOKN is not a simstream setting and is ignored; did you mean SIMSTREAM_API_TOKEN?",
        "SIMSTREAM_SOMETHING_ELSE_ENTIRELY is not a simstream setting and is ignored");
    assertThat(config.get(Settings.API_TOKEN)).isEmpty();
    assertThat(config.with(Map.of(Settings.API_PORT, "0")).warnings()).isEqualTo(config.warnings());
  }

  @Test
  void loggingSettingsAreValidatedAndReadFromTheEnvironmentOnly(@TempDir Path dir) throws Exception {
    assertThat(SimstreamConfig.load(Map.of("SIMSTREAM_LOG_LEVEL", "DEBUG", "SIMSTREAM_LOG_FORMAT", "json"))
        .get(Settings.LOG_FORMAT)).isEqualTo("json");
    assertThatThrownBy(() -> SimstreamConfig.load(Map.of("SIMSTREAM_LOG_LEVEL", "verbose",
        "SIMSTREAM_LOG_FORMAT", "JSON")))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(2)
            .anySatisfy(p -> assertThat(p).startsWith("SIMSTREAM_LOG_LEVEL"))
            .anySatisfy(p -> assertThat(p).startsWith("SIMSTREAM_LOG_FORMAT").contains("exactly one of")));
    Path file = Files.writeString(dir.resolve("simstream.properties"), "log.level=debug\n");
    assertThatThrownBy(() -> SimstreamConfig.load(Map.of(Settings.CONFIG_FILE_ENV, file.toString())))
        .isInstanceOf(ConfigException.class).hasMessageContaining("SIMSTREAM_LOG_LEVEL from the environment only");
  }
}
