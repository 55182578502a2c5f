package io.simstream.config;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Parses {@link Settings#ES_API_KEY}. Elasticsearch answers a key creation with {@code id}, {@code api_key} and
 * {@code encoded} (base64 of {@code id:api_key}); the header needs the encoded form. {@code id:api_key} is
 * accepted and encoded here, since pasting the two parts is the usual mistake; anything else that is not base64
 * of {@code id:api_key} would only fail later as a 401.
 */
final class ElasticsearchApiKey {
  private ElasticsearchApiKey() {
  }

  static String parse(String raw) {
    String key = raw.trim();
    if (key.isEmpty()) {
      return key;
    }
    if (key.contains(":")) {
      return Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(key), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new Setting.Rejected("it is not base64; use the 'encoded' value Elasticsearch returned");
    }
    if (decoded.indexOf(':') <= 0 || decoded.endsWith(":")) {
      throw new Setting.Rejected("it does not decode to id:api_key; use the 'encoded' value Elasticsearch returned");
    }
    return key;
  }
}
