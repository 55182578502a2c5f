package io.simstream.api.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.api.error.BackendUnavailableException;
import io.simstream.elasticsearch.ElasticsearchClients;
import io.simstream.json.Json;
import java.io.IOException;
import java.io.InputStream;
import org.apache.http.entity.ByteArrayEntity;
import org.apache.http.entity.ContentType;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;

/**
 * All Elasticsearch calls of the API go through here, so that failures map the same way: an
 * unreachable or overloaded cluster becomes 503, an error status becomes
 * {@link ElasticsearchStatusException}. Search requests are JSON built with Jackson and sent with
 * the low-level client, because the typed 8.19 client does not model every knn field we use.
 */
public final class ElasticsearchGateway implements AutoCloseable {
  private final ElasticsearchClient typed;
  private final RestClient rest;

  public ElasticsearchGateway(ElasticsearchClient typed) {
    this.typed = typed;
    this.rest = ElasticsearchClients.restClient(typed);
  }

  /** A call through the typed client (index admin through common's IndexMapping). */
  @FunctionalInterface
  public interface TypedCall<T> {
    T call(ElasticsearchClient client) throws IOException;
  }

  public <T> T typed(TypedCall<T> call) {
    try {
      return call.call(typed);
    } catch (ElasticsearchException e) {
      throw statusError(e.status(), e.error().type(), e.error().reason());
    } catch (IOException e) {
      throw unavailable(e);
    }
  }

  /** Sends a request with an optional JSON body and returns the parsed JSON response. */
  public JsonNode request(String method, String endpoint, Object body) {
    Request request = new Request(method, endpoint);
    try {
      if (body != null) {
        request.setEntity(new ByteArrayEntity(Json.MAPPER.writeValueAsBytes(body), ContentType.APPLICATION_JSON));
      }
      Response response = rest.performRequest(request);
      try (InputStream in = response.getEntity().getContent()) {
        return Json.MAPPER.readTree(in);
      }
    } catch (ResponseException e) {
      throw fromResponse(e);
    } catch (IOException e) {
      throw unavailable(e);
    }
  }

  private static RuntimeException fromResponse(ResponseException e) {
    int status = e.getResponse().getStatusLine().getStatusCode();
    String type = "";
    String reason = e.getResponse().getStatusLine().getReasonPhrase();
    try (InputStream in = e.getResponse().getEntity().getContent()) {
      JsonNode error = Json.MAPPER.readTree(in).path("error");
      JsonNode root = error.path("root_cause").path(0);
      JsonNode cause = root.isMissingNode() ? error : root;
      type = cause.path("type").asText("");
      reason = cause.path("reason").asText(error.isTextual() ? error.asText() : reason);
    } catch (IOException | RuntimeException ignored) {
      // The status line alone still says what happened.
    }
    return statusError(status, type, reason);
  }

  private static RuntimeException statusError(int status, String type, String reason) {
    if (status == 429 || status >= 500) {
      return new BackendUnavailableException("Elasticsearch is overloaded or unavailable (" + status + " "
          + type + ": " + reason + ")", null);
    }
    return new ElasticsearchStatusException(status, type == null ? "" : type, reason);
  }

  private static BackendUnavailableException unavailable(IOException e) {
    String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new BackendUnavailableException("Elasticsearch is unreachable: " + reason, e);
  }

  @Override
  public void close() throws IOException {
    typed._transport().close();
  }
}
