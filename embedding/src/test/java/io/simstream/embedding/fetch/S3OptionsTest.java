package io.simstream.embedding.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.simstream.config.ConfigException;
import io.simstream.config.SimstreamConfig;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The s3 settings as a deployment writes them, and the typos they catch at start. */
class S3OptionsTest {

  @Test
  void defaultsMeanAwsS3() {
    assertThat(S3Options.from(SimstreamConfig.load(Map.of()))).isEqualTo(S3Options.defaults());
  }

  @Test
  void aMinioDeployment() {
    S3Options options = S3Options.from(SimstreamConfig.load(Map.of(
        "SIMSTREAM_S3_ENDPOINT", " http://minio:9000 ",
        "SIMSTREAM_S3_REGION", "eu-west-1",
        "SIMSTREAM_S3_PATH_STYLE", "true")));
    assertThat(options).isEqualTo(new S3Options(URI.create("http://minio:9000"), "eu-west-1", true));
  }

  @Test
  void anEndpointMustBeAnHttpUrlWithAHost() {
    assertThatThrownBy(() -> SimstreamConfig.load(Map.of("SIMSTREAM_S3_ENDPOINT", "minio:9000")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("SIMSTREAM_S3_ENDPOINT")
        .hasMessageContaining("http:// or https://");
    assertThatThrownBy(() -> SimstreamConfig.load(Map.of("SIMSTREAM_S3_ENDPOINT", "http:///bucket")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("no host");
    assertThatThrownBy(() -> SimstreamConfig.load(Map.of("SIMSTREAM_S3_PATH_STYLE", "sometimes")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("SIMSTREAM_S3_PATH_STYLE");
  }
}
