package io.simstream.api.embeddings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.simstream.api.elasticsearch.IndexScanner;
import io.simstream.api.error.BadRequestException;
import io.simstream.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Page tokens without servers: what is accepted, and the 400 for everything else. */
class PageTokenTest {
  private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

  @Test
  void roundTripsForItsIndexUntilItExpires() {
    String token = PageToken.issue("idx", "pit-1", Json.MAPPER.createArrayNode().add(42L), NOW).encode();
    PageToken decoded = PageToken.decode(token, "idx", NOW.plus(IndexScanner.KEEP_ALIVE).minusMillis(1));
    assertThat(decoded.pitId()).isEqualTo("pit-1");
    assertThat(decoded.searchAfter().toString()).isEqualTo("[42]");
    assertThat(decoded.expiresAt()).isEqualTo(NOW.plus(IndexScanner.KEEP_ALIVE));
  }

  @Test
  void expiresExactlyAtTheDocumentedKeepAlive() {
    String token = PageToken.issue("idx", "pit-1", Json.MAPPER.createArrayNode().add(1L), NOW).encode();
    assertThat(IndexScanner.KEEP_ALIVE).hasMinutes(2);
    refused(() -> PageToken.decode(token, "idx", NOW.plus(IndexScanner.KEEP_ALIVE)), "has expired");
  }

  @Test
  void belongsToOneIndex() {
    String token = PageToken.issue("idx", "pit-1", Json.MAPPER.createArrayNode().add(1L), NOW).encode();
    refused(() -> PageToken.decode(token, "other", NOW), "another run's index");
  }

  @Test
  void forgedAndGarbledTokensAre400s() {
    List<String> tokens = List.of("garbage", "", "%%%", "e30", encode("null"), encode("[]"), encode("{}"),
        encode("{\"index\":\"idx\",\"pit\":\"\",\"after\":1,\"expires\":9999999999999}"),
        encode("{\"index\":\"idx\",\"pit\":\"p\",\"after\":\"x\",\"expires\":9999999999999}"),
        encode("{\"index\":\"idx\",\"pit\":\"p\",\"after\":1.5,\"expires\":9999999999999}"),
        encode("{\"index\":\"idx\",\"pit\":\"p\",\"after\":[1],\"expires\":9999999999999}"),
        encode("{\"index\":\"idx\",\"pit\":\"p\",\"after\":1e400,\"expires\":9999999999999}"),
        encode("{\"index\":\"idx\",\"pit\":\"p\",\"after\":1,\"expires\":\"soon\"}"),
        encode("{\"index\":5,\"pit\":\"p\",\"after\":1,\"expires\":9999999999999}"),
        "x".repeat(100_000));
    for (String token : tokens) {
      refused(() -> PageToken.decode(token, "idx", NOW), "pageToken");
    }
  }

  private static String encode(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static void refused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String messagePart) {
    assertThatThrownBy(call).isInstanceOfSatisfying(BadRequestException.class,
        e -> assertThat(e.getMessage()).contains(messagePart));
  }
}
