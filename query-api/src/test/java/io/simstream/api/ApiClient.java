package io.simstream.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small JSON client for the API under test (java.net.http). */
final class ApiClient {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String baseUrl;
  private final String token;

  ApiClient(String baseUrl, String token) {
    this.baseUrl = baseUrl;
    this.token = token;
  }

  /** A response: status, raw body, parsed JSON (MissingNode when not JSON), headers. */
  record Response(int status, String body, JsonNode json, java.net.http.HttpHeaders headers) {
    String error() {
      return json.path("error").asText();
    }
  }

  Response get(String path) {
    return send("GET", path, null);
  }

  Response delete(String path) {
    return send("DELETE", path, null);
  }

  Response post(String path, Object body) {
    return send("POST", path, body);
  }

  Response patch(String path, Object body) {
    return send("PATCH", path, body);
  }

  /** Sends a body given as a String verbatim (for malformed JSON), anything else as JSON. */
  Response send(String method, String path, Object body) {
    try {
      byte[] bytes = body == null ? new byte[0]
          : body instanceof String s ? s.getBytes() : Json.MAPPER.writeValueAsBytes(body);
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
          .timeout(Duration.ofSeconds(120))
          .header("Content-Type", "application/json")
          .method(method, bytes.length == 0 ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofByteArray(bytes));
      if (token != null) {
        request.header("Authorization", "Bearer " + token);
      }
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode json;
      try {
        json = Json.MAPPER.readTree(response.body());
      } catch (IOException e) {
        json = com.fasterxml.jackson.databind.node.MissingNode.getInstance();
      }
      return new Response(response.statusCode(), response.body(), json == null
          ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : json, response.headers());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
