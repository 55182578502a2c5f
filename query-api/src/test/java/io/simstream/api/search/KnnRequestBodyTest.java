package io.simstream.api.search;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.json.Json;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KnnRequestBodyTest {

  @Test
  void queryVectorIsAJsonArrayOfEveryFloatExactly() throws Exception {
    Random random = new Random(1);
    float[] query = new float[512];
    for (int i = 0; i < query.length; i++) {
      query[i] = (float) random.nextGaussian();
    }
    query[0] = Float.MIN_VALUE;
    query[1] = -0.0f;
    query[2] = 1e-30f;
    byte[] written = Json.MAPPER.writeValueAsBytes(KnnRequestBody.of(query, 10, new KnnEffort(500, 3.0), null));

    JsonNode vector = Json.MAPPER.readTree(written).path("knn").path("query_vector");
    assertThat(vector.isArray()).isTrue();
    assertThat(vector).hasSize(query.length);
    for (int i = 0; i < query.length; i++) {
      assertThat(vector.get(i).isNumber()).isTrue();
      assertThat(Float.parseFloat(vector.get(i).asText())).as("element %d", i).isEqualTo(query[i]);
    }
    // The shortest text that reads back as the float, as a FloatNode writes it: no double widening.
    assertThat(new String(written, java.nio.charset.StandardCharsets.UTF_8)).contains("\"query_vector\":[1.4E-45,-0.0,1.0E-30,");
  }
}
