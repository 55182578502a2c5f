package io.simstream.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.smile.SmileFactory;
import io.simstream.event.EventVectors;
import io.simstream.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BulkBodyWriterTest {
  private static final float[] VECTOR = {-0.0f, Float.MIN_VALUE, -Float.MAX_VALUE, 0.1f};

  private static byte[] twoLines(BulkVectorEncoding encoding) throws Exception {
    BulkBodyWriter body = new BulkBodyWriter(encoding, 16);
    JsonGenerator action = body.nextLine();
    action.writeStartObject();
    action.writeObjectFieldStart("index");
    action.writeStringField("_id", "ünïcode \"id\"");
    action.writeEndObject();
    action.writeEndObject();
    body.nextLine().writeStartObject();
    body.writeVector("vector", VECTOR);
    return body.toByteArray();
  }

  @Test
  void ndjsonLinesEndWithNewlinesAndCarryBase64Vectors() throws Exception {
    String[] lines = new String(twoLines(BulkVectorEncoding.BASE64_FLOAT32), StandardCharsets.UTF_8).split("\n", -1);

    assertThat(lines).hasSize(3);
    assertThat(lines[2]).as("the body ends with a newline").isEmpty();
    assertThat(Json.MAPPER.readTree(lines[0]).path("index").path("_id").asText()).isEqualTo("ünïcode \"id\"");
    assertThat(EventVectors.Reader.fromBase64(Json.MAPPER.readTree(lines[1]).path("vector").asText()))
        .containsExactly(VECTOR);
  }

  @Test
  void smileDocumentsEachHaveAHeaderAndAreSeparatedBy0xFfOnly() throws Exception {
    byte[] body = twoLines(BulkVectorEncoding.SMILE_FLOAT32);
    int[] separators = java.util.stream.IntStream.range(0, body.length).filter(i -> body[i] == (byte) 0xFF).toArray();

    assertThat(separators).as("0xFF never occurs inside a document").hasSize(2);
    assertThat(separators[1]).isEqualTo(body.length - 1);
    ObjectMapper smile = new ObjectMapper(new SmileFactory());
    byte[] first = Arrays.copyOfRange(body, 0, separators[0]);
    byte[] second = Arrays.copyOfRange(body, separators[0] + 1, separators[1]);
    for (byte[] document : new byte[][] {first, second}) {
      assertThat(new String(document, 0, 3, StandardCharsets.ISO_8859_1)).as("the SMILE header").isEqualTo(":)\n");
    }
    assertThat(smile.readTree(first).path("index").path("_id").asText()).isEqualTo("ünïcode \"id\"");
    JsonNode vector = smile.readTree(second).path("vector");
    float[] read = new float[vector.size()];
    for (int i = 0; i < read.length; i++) {
      assertThat(vector.get(i).isFloat()).isTrue();
      read[i] = vector.get(i).floatValue();
    }
    assertThat(read).containsExactly(VECTOR);
  }
}
