package io.simstream.api.embeddings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.api.elasticsearch.IndexScanner;
import io.simstream.api.error.BadRequestException;
import io.simstream.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * The opaque continuation of a full-index read: the index, the Elasticsearch point in time, the
 * sort value of the last document sent, and when the token expires ({@link IndexScanner#KEEP_ALIVE}
 * after its page). The server keeps no state. Elasticsearch frees a point in time only up to a
 * minute after its keep-alive, so the expiry is checked here, where it is exact; and a token is
 * checked against the run it is used on, so that it can never page through another index.
 * Elasticsearch still judges the point in time itself (see {@link EmbeddingsService}).
 */
record PageToken(String index, String pitId, long after, Instant expiresAt) {
  private static final int MAX_TOKEN_CHARS = 8192;

  static PageToken issue(String index, String pitId, JsonNode searchAfter, Instant now) {
    return new PageToken(index, pitId, searchAfter.path(0).asLong(), now.plus(IndexScanner.KEEP_ALIVE));
  }

  /** The {@code search_after} value of the next page. */
  JsonNode searchAfter() {
    return Json.MAPPER.createArrayNode().add(after);
  }

  String encode() {
    ObjectNode json = Json.MAPPER.createObjectNode().put("index", index).put("pit", pitId).put("after", after)
        .put("expires", expiresAt.toEpochMilli());
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** The token, if this API issued it for {@code index} and it has not expired; otherwise a 400. */
  static PageToken decode(String token, String index, Instant now) {
    JsonNode json;
    try {
      if (token.length() > MAX_TOKEN_CHARS) {
        throw new IllegalArgumentException("too long");
      }
      json = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(token));
    } catch (IOException | IllegalArgumentException e) {
      throw notIssued();
    }
    if (json == null || !json.path("index").isTextual() || !json.path("pit").isTextual()
        || json.path("pit").asText().isEmpty() || !json.path("after").isIntegralNumber()
        || !json.path("after").canConvertToLong()
        || !json.path("expires").canConvertToLong()) {
      throw notIssued();
    }
    if (!json.get("index").asText().equals(index)) {
      throw new BadRequestException("pageToken was issued for another run's index; start again without one");
    }
    Instant expiresAt = Instant.ofEpochMilli(json.get("expires").asLong());
    if (!now.isBefore(expiresAt)) {
      throw expired();
    }
    return new PageToken(index, json.get("pit").asText(), json.get("after").asLong(), expiresAt);
  }

  static BadRequestException notIssued() {
    return new BadRequestException("pageToken is not a token this API issued; start again without one");
  }

  static BadRequestException expired() {
    return new BadRequestException("pageToken has expired (a token lasts " + IndexScanner.KEEP_ALIVE.toMinutes()
        + " minutes after its page); start again without one");
  }
}
