package io.simstream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The Elasticsearch credential and trust settings, and the query API's metrics settings, checked at start. */
class ElasticsearchAccessSettingsTest {
  private static final String FINGERPRINT = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";

  @Test
  void aFingerprintIsReadWithOrWithoutColonsAndRejectedWhenNotSha256() {
    String colons = FINGERPRINT.toUpperCase().replaceAll("(..)(?!$)", "$1:");
    SimstreamConfig config = SimstreamConfig.load(Map.of("SIMSTREAM_ES_HOSTS", "https://es.example.com",
        "SIMSTREAM_ES_CA_FINGERPRINT", colons));
    assertThat(config.get(Settings.ES_CA_FINGERPRINT)).isEqualTo(FINGERPRINT);

    assertThatThrownBy(() -> SimstreamConfig.load(Map.of("SIMSTREAM_ES_HOSTS", "https://es",
        "SIMSTREAM_ES_CA_FINGERPRINT", FINGERPRINT.substring(0, 40))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("SIMSTREAM_ES_CA_FINGERPRINT")
        .hasMessageContaining("40 hex digits");
    assertThatThrownBy(() -> SimstreamConfig.load(Map.of("SIMSTREAM_ES_HOSTS", "https://es",
        "SIMSTREAM_ES_CA_FINGERPRINT", "sha256:" + FINGERPRINT)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("other than hex digits");
  }

  @Test
  void anApiKeyIsTheEncodedFormAndIdColonKeyIsEncoded() {
    String encoded = Base64.getEncoder().encodeToString("VuaCfGcBCdbkQm-e5aOx:ui2lp2axTNmsyakw9tvNnw"
        .getBytes(StandardCharsets.UTF_8));
    assertThat(SimstreamConfig.load(Map.of("SIMSTREAM_ES_API_KEY", encoded)).get(Settings.ES_API_KEY))
        .isEqualTo(encoded);
    assertThat(SimstreamConfig.load(Map.of("SIMSTREAM_ES_API_KEY", "VuaCfGcBCdbkQm-e5aOx:ui2lp2axTNmsyakw9tvNnw"))
        .get(Settings.ES_API_KEY)).isEqualTo(encoded);
    assertThatThrownBy(() -> SimstreamConfig.load(Map.of("SIMSTREAM_ES_API_KEY", "not*base64-secret")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("SIMSTREAM_ES_API_KEY")
        .hasMessageContaining("'encoded' value").hasMessageNotContaining("not*base64-secret");
  }

  @Test
  void everyAccessProblemIsListedTogether() throws URISyntaxException {
    String pem = Path.of(getClass().getResource("test-ca.pem").toURI()).toString();
    assertThatThrownBy(() -> SimstreamConfig.load(Map.of("SIMSTREAM_ES_HOSTS", "http://es-1:9200",
        "SIMSTREAM_ES_USERNAME", "simstream-indexer",
        "SIMSTREAM_ES_CA_CERT", pem,
        "SIMSTREAM_ES_CA_FINGERPRINT", FINGERPRINT)))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
            .anySatisfy(p -> assertThat(p).startsWith("SIMSTREAM_ES_USERNAME is set but SIMSTREAM_ES_PASSWORD"))
            .anySatisfy(p -> assertThat(p).contains("SIMSTREAM_ES_CA_CERT and SIMSTREAM_ES_CA_FINGERPRINT"))
            .anySatisfy(p -> assertThat(p).startsWith("SIMSTREAM_ES_CA_CERT is set but no host")
                .contains("https://"))
            .anySatisfy(p -> assertThat(p).startsWith("SIMSTREAM_ES_CA_FINGERPRINT is set but no host")));
  }

  @Test
  void aRejectedSecretIsNeverPrinted() {
    assertThatThrownBy(() -> SimstreamConfig.load(Map.of("SIMSTREAM_ES_API_KEY", "hunter2hunter2!!")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("<secret, 16 characters>")
        .hasMessageNotContaining("hunter2");
    assertThat(Settings.ES_PASSWORD.isSecret()).isTrue();
    assertThat(Settings.API_TOKEN.isSecret()).isTrue();
    assertThat(Settings.ES_USERNAME.isSecret()).isFalse();
  }

  @Test
  void credentialsInClearTextToAnotherHostAndAnUnusedPasswordAreWarnedAbout() {
    SimstreamConfig config = SimstreamConfig.load(Map.of("SIMSTREAM_ES_HOSTS", "http://127.0.0.1:9200,http://es-2",
        "SIMSTREAM_ES_USERNAME", "elastic", "SIMSTREAM_ES_PASSWORD", "pw",
        "SIMSTREAM_ES_API_KEY", "aWQ6a2V5"));
    assertThat(config.warnings())
        .anySatisfy(w -> assertThat(w).contains("http://es-2:9200").contains("clear text"))
        .noneSatisfy(w -> assertThat(w).contains("127.0.0.1"))
        .anySatisfy(w -> assertThat(w).startsWith("SIMSTREAM_ES_API_KEY is set, so SIMSTREAM_ES_USERNAME"));
  }

  @Test
  void metricsStayOnTheApiPortUnlessAPortIsGiven() {
    assertThat(SimstreamConfig.load(Map.of()).get(Settings.API_METRICS_PORT)).isEmpty();
    assertThat(SimstreamConfig.load(Map.of("SIMSTREAM_API_METRICS_PORT", "9464")).get(Settings.API_METRICS_PORT))
        .isEqualTo(OptionalInt.of(9464));
    // Checked by the query API as it starts (ApiAccessChecks), not by every service's load.
    SimstreamConfig samePorts = SimstreamConfig.load(Map.of("SIMSTREAM_API_METRICS_PORT", "8080"));
    assertThatThrownBy(() -> ApiAccessChecks.require(samePorts))
        .isInstanceOf(ConfigException.class).hasMessageContaining("also SIMSTREAM_API_PORT");
    assertThatThrownBy(() -> SimstreamConfig.load(Map.of("SIMSTREAM_API_METRICS_PORT", "70000")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("not in [0, 65535]");
  }
}
