package io.simstream.api.embeddings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.api.error.BadRequestException;
import io.simstream.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The opaque continuation of a full-index read: the Elasticsearch point in time and the sort
 * values of the last document sent. The server keeps no state; the point in time expires after
 * {@link io.simstream.api.elasticsearch.IndexScanner#KEEP_ALIVE} without a next page.
 */
record PageToken(String pitId, JsonNode searchAfter) {

  String encode() {
    ObjectNode json = Json.MAPPER.createObjectNode().put("pit", pitId);
    json.set("after", searchAfter);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.toString().getBytes(StandardCharsets.UTF_8));
  }

  static PageToken decode(String token) {
    try {
      JsonNode json = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(token));
      if (!json.path("pit").isTextual() || !json.path("after").isArray()) {
        throw new IllegalArgumentException("fields missing");
      }
      return new PageToken(json.get("pit").asText(), json.get("after"));
    } catch (IOException | IllegalArgumentException e) {
      throw new BadRequestException("pageToken is not a token this API issued");
    }
  }
}
