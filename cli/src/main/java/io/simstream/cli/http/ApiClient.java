package io.simstream.cli.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A JSON client of the query API (docs/api.md); one method per HTTP verb the CLI needs. */
public final class ApiClient {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
  private static final int MAX_FOREIGN_ERROR_CHARS = 300;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String baseUrl;
  private final String token;

  /** @param token bearer token, empty when the API has no authentication */
  public ApiClient(String baseUrl, String token) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.token = token;
  }

  public String baseUrl() {
    return baseUrl;
  }

  /** A path segment, escaped. */
  public static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  public JsonNode get(String path) throws IOException, InterruptedException, ApiException {
    return send(request(path).GET());
  }

  public JsonNode post(String path, Object body) throws IOException, InterruptedException, ApiException {
    return send(request(path).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(Json.MAPPER.writeValueAsBytes(body))));
  }

  public JsonNode delete(String path) throws IOException, InterruptedException, ApiException {
    return send(request(path).DELETE());
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(REQUEST_TIMEOUT);
    if (!token.isEmpty()) {
      request.header("Authorization", "Bearer " + token);
    }
    return request;
  }

  /** The JSON body, or an empty object for a body-less answer (204). */
  private JsonNode send(HttpRequest.Builder builder) throws IOException, InterruptedException, ApiException {
    HttpRequest request = builder.build();
    HttpResponse<byte[]> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new IOException("query API at " + baseUrl + " unreachable (" + request.method() + " "
          + request.uri().getPath() + "): " + e, e);
    }
    JsonNode body = response.body().length == 0 ? Json.MAPPER.createObjectNode() : readBody(response.body());
    if (response.statusCode() >= 300) {
      String error = body.path("error").asText(excerpt(response.body()));
      throw new ApiException(response.statusCode(), request.method() + " " + request.uri().getPath()
          + " answered " + response.statusCode() + ": " + error);
    }
    return body;
  }

  private static JsonNode readBody(byte[] bytes) {
    try {
      return Json.MAPPER.readTree(bytes);
    } catch (IOException e) {
      return Json.MAPPER.createObjectNode().put("error", excerpt(bytes));
    }
  }

  /** The start of a body that is not the API's JSON (a proxy's HTML page): enough to tell whose it is. */
  private static String excerpt(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.UTF_8);
    return text.length() <= MAX_FOREIGN_ERROR_CHARS ? text : text.substring(0, MAX_FOREIGN_ERROR_CHARS) + " ...";
  }
}
