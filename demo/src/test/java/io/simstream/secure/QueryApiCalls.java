package io.simstream.secure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.api.QueryApi;
import io.simstream.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

/** JSON requests to a running query API, as a client sends them, for the tests of secured backends. */
final class QueryApiCalls {
  private final HttpClient http = HttpClient.newHttpClient();

  record Response(int status, String body) {
    JsonNode json() throws IOException {
      return Json.MAPPER.readTree(body);
    }
  }

  Response call(QueryApi server, String method, String path, Object body) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(Json.MAPPER.writeValueAsBytes(body)));
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Response(response.statusCode(), response.body());
  }

  /** The sample ids nearest to {@code id} in the run at {@code runPath}, at most 3; fails unless the answer is 200. */
  List<String> nearestTo(QueryApi server, String runPath, String id) throws IOException, InterruptedException {
    Response result = call(server, "POST", runPath + "/sort-by-similarity", Map.of("id", id, "k", 3));
    assertThat(result.status()).as(result.body()).isEqualTo(200);
    return StreamSupport.stream(result.json().path("hits").spliterator(), false)
        .map(hit -> hit.path("sampleId").asText()).toList();
  }

  /** A GET of an absolute URL (an admin port, say). */
  HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
