package io.simstream.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonMappingException;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class UtcInstantDeserializerTest {
  private record Stamped(Instant at) {
  }

  private static Instant read(String json) throws Exception {
    return Json.MAPPER.readValue("{\"at\":" + json + "}", Stamped.class).at();
  }

  @Test
  void readsTheUtcFormLikeInstantParseAtEveryPrecision() throws Exception {
    Random random = new Random(5);
    for (int i = 0; i < 2_000; i++) {
      Instant instant = Instant.ofEpochSecond(random.nextLong(-62_000_000_000L, 250_000_000_000L),
          random.nextInt(1_000_000_000));
      String text = instant.toString(); // ISO-8601 UTC with 0, 3, 6 or 9 fraction digits
      String trimmed = text.substring(0, Math.max(19, text.length() - 1 - random.nextInt(4))) + "Z";

      assertThat(UtcInstantDeserializer.parseUtc(text)).as(text).isEqualTo(instant);
      assertThat(read("\"" + trimmed + "\"")).as(trimmed).isEqualTo(Instant.parse(trimmed));
    }
    assertThat(UtcInstantDeserializer.parseUtc("2026-12-04T03:10:00.5Z"))
        .isEqualTo(Instant.parse("2026-12-04T03:10:00.500Z"));
  }

  @Test
  void leavesOtherFormsToJacksonAndStillRefusesGarbage() throws Exception {
    for (String other : List.of("2026-12-04T04:10:00+01:00", "2026-12-04T03:10:00.1234567890Z", "2026-12-04T03:10Z",
        "2026-02-30T03:10:00Z", "+12026-12-04T03:10:00Z", "2026-12-04 03:10:00Z", "2026-12-04T03:10:0xZ")) {
      assertThat(UtcInstantDeserializer.parseUtc(other)).as(other).isNull();
    }
    assertThat(read("\"2026-12-04T04:10:00+01:00\"")).isEqualTo(Instant.parse("2026-12-04T03:10:00Z"));
    assertThat(read("1764817800")).isEqualTo(Instant.ofEpochSecond(1764817800));
    assertThatThrownBy(() -> read("\"2026-02-30T03:10:00Z\"")).isInstanceOf(JsonMappingException.class);
    assertThatThrownBy(() -> read("\"yesterday\"")).isInstanceOf(JsonMappingException.class);
  }
}
