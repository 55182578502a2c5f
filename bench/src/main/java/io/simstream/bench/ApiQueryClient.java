package io.simstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.http.HttpHost;
import org.apache.http.entity.ContentType;
import org.apache.http.nio.entity.NByteArrayEntity;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.RestClient;

/**
 * Sort-by-similarity calls for the timed comparisons, on the same HTTP client library and pool
 * size as {@link DirectElasticsearch}: the difference between the two paths is then simstream's
 * work, not that of two clients (java.net.http costs a few thread hand-offs more per call).
 */
final class ApiQueryClient implements AutoCloseable {
  private final RestClient rest;

  ApiQueryClient(String baseUrl) {
    this.rest = RestClient.builder(HttpHost.create(baseUrl))
        .setHttpClientConfigCallback(http -> http.setMaxConnTotal(64).setMaxConnPerRoute(64))
        .setRequestConfigCallback(rc -> rc.setSocketTimeout(120_000))
        .build();
  }

  /** The API's Server-Timing figures of one answer (ms): its own time, its Elasticsearch round trips, their took. */
  record ServerTiming(double api, double es, double took) {
    private static final Pattern HEADER =
        Pattern.compile("api;dur=([0-9.]+), es;dur=([0-9.]+);desc=\"[^\"]*\", es-took;dur=([0-9]+)");

    static ServerTiming parse(String header) {
      Matcher matcher = HEADER.matcher(header == null ? "" : header);
      if (!matcher.matches()) {
        throw new IllegalStateException("unexpected Server-Timing header: " + header);
      }
      return new ServerTiming(Double.parseDouble(matcher.group(1)), Double.parseDouble(matcher.group(2)),
          Double.parseDouble(matcher.group(3)));
    }
  }

  /** The answer and the API's timing of it. */
  record Answer(JsonNode body, ServerTiming timing) {
  }

  JsonNode sortBySimilarity(String dataset, String brainKey, Object body) {
    return timedSortBySimilarity(dataset, brainKey, body).body();
  }

  Answer timedSortBySimilarity(String dataset, String brainKey, Object body) {
    Request request = new Request("POST", "/v1/datasets/" + dataset + "/similarity/" + brainKey
        + "/sort-by-similarity");
    try {
      request.setEntity(new NByteArrayEntity(Json.MAPPER.writeValueAsBytes(body), ContentType.APPLICATION_JSON));
      Response response = rest.performRequest(request);
      return new Answer(Json.MAPPER.readTree(response.getEntity().getContent()),
          ServerTiming.parse(response.getHeader("Server-Timing")));
    } catch (IOException e) {
      throw new UncheckedIOException("sort-by-similarity failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() throws IOException {
    rest.close();
  }
}
