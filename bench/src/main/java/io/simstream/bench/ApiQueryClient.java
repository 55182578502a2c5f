package io.simstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.http.HttpHost;
import org.apache.http.entity.ContentType;
import org.apache.http.nio.entity.NByteArrayEntity;
import org.elasticsearch.client.Request;
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

  JsonNode sortBySimilarity(String dataset, String brainKey, Object body) {
    Request request = new Request("POST", "/v1/datasets/" + dataset + "/similarity/" + brainKey
        + "/sort-by-similarity");
    try {
      request.setEntity(new NByteArrayEntity(Json.MAPPER.writeValueAsBytes(body), ContentType.APPLICATION_JSON));
      return Json.MAPPER.readTree(rest.performRequest(request).getEntity().getContent());
    } catch (IOException e) {
      throw new UncheckedIOException("sort-by-similarity failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() throws IOException {
    rest.close();
  }
}
