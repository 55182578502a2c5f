package io.simstream.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import io.simstream.event.EventVectors;
import java.net.ServerSocket;
import org.apache.http.HttpHost;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.Test;

class BulkVectorEncodingTest {

  @Test
  void base64FromElasticsearch93On() {
    assertThat(BulkVectorEncoding.forVersion("9.3.0")).isEqualTo(BulkVectorEncoding.BASE64_FLOAT32);
    assertThat(BulkVectorEncoding.forVersion("9.5.4")).isEqualTo(BulkVectorEncoding.BASE64_FLOAT32);
    assertThat(BulkVectorEncoding.forVersion("9.3.0-SNAPSHOT")).isEqualTo(BulkVectorEncoding.BASE64_FLOAT32);
    assertThat(BulkVectorEncoding.forVersion("10.0.0")).isEqualTo(BulkVectorEncoding.BASE64_FLOAT32);
  }

  @Test
  void decimalArraysBefore93() {
    assertThat(BulkVectorEncoding.forVersion("9.2.9")).isEqualTo(BulkVectorEncoding.DECIMAL_ARRAY);
    assertThat(BulkVectorEncoding.forVersion("9.0.0")).isEqualTo(BulkVectorEncoding.DECIMAL_ARRAY);
    assertThat(BulkVectorEncoding.forVersion("8.19.21")).isEqualTo(BulkVectorEncoding.DECIMAL_ARRAY);
    assertThat(BulkVectorEncoding.forVersion("7.17.0")).isEqualTo(BulkVectorEncoding.DECIMAL_ARRAY);
  }

  @Test
  void base64OnlyWhenEveryNodeTakesIt() {
    assertThat(BulkVectorEncoding.forNodeVersions(java.util.List.of("9.3.1", "9.5.4")))
        .isEqualTo(BulkVectorEncoding.BASE64_FLOAT32);
    assertThat(BulkVectorEncoding.forNodeVersions(java.util.List.of("9.3.1", "9.2.4")))
        .as("mid rolling upgrade").isEqualTo(BulkVectorEncoding.DECIMAL_ARRAY);
    assertThat(BulkVectorEncoding.forNodeVersions(java.util.List.of())).isEqualTo(BulkVectorEncoding.DECIMAL_ARRAY);
  }

  @Test
  void decimalArraysWhenTheVersionCannotBeRead() throws Exception {
    assertThat(BulkVectorEncoding.forVersion(null)).isEqualTo(BulkVectorEncoding.DECIMAL_ARRAY);
    assertThat(BulkVectorEncoding.forVersion("serverless")).isEqualTo(BulkVectorEncoding.DECIMAL_ARRAY);
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    try (RestClient unreachable = RestClient.builder(new HttpHost("127.0.0.1", closedPort)).build()) {
      assertThat(BulkVectorEncoding.detect(unreachable)).isEqualTo(BulkVectorEncoding.DECIMAL_ARRAY);
    }
  }

  @Test
  void estimatesTheBytesOfEitherForm() {
    float[] vector = new float[512];
    assertThat(BulkVectorEncoding.BASE64_FLOAT32.vectorBytes(512))
        .as("the quoted string exactly").isEqualTo(EventVectors.Writer.toBase64(vector).length() + 2);
    assertThat(BulkVectorEncoding.BASE64_FLOAT32.vectorBytes(3))
        .isEqualTo(EventVectors.Writer.toBase64(new float[3]).length() + 2);
    assertThat(BulkVectorEncoding.DECIMAL_ARRAY.vectorBytes(512)).isEqualTo(12L * 512);
  }
}
