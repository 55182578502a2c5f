package io.simstream.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small JSON client of the query API, used the way any user would use it: over HTTP. */
public final class ApiClient {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  /** Registering a dataset waits for the broker's acknowledgement, which on a loaded 2-core machine can take a minute. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(180);
  private final String baseUrl;
  private final String token;

  /** A client of an API without authentication. */
  public ApiClient(String baseUrl) {
    this(baseUrl, "");
  }

  /** @param token the API's bearer token (SIMSTREAM_API_TOKEN), empty when it has none */
  public ApiClient(String baseUrl, String token) {
    this.baseUrl = baseUrl;
    this.token = token;
  }

  public JsonNode get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET());
  }

  public JsonNode post(String path, Object body) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(baseUrl + path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(Json.MAPPER.writeValueAsBytes(body))));
  }

  private JsonNode send(HttpRequest.Builder request) throws IOException, InterruptedException {
    if (!token.isEmpty()) {
      request.header("Authorization", "Bearer " + token);
    }
    HttpResponse<byte[]> response = http.send(request.timeout(REQUEST_TIMEOUT).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    JsonNode body = Json.MAPPER.readTree(response.body());
    if (response.statusCode() >= 300) {
      throw new IOException(request.build().method() + " " + request.build().uri() + " answered "
          + response.statusCode() + ": " + body);
    }
    return body;
  }
}
