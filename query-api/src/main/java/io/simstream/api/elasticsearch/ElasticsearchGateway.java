package io.simstream.api.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.transport.TransportException;
import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.api.error.BackendUnavailableException;
import io.simstream.api.error.BackendUnavailableException.Reason;
import io.simstream.elasticsearch.ElasticsearchClients;
import io.simstream.elasticsearch.ElasticsearchFailures;
import io.simstream.json.Json;
import jakarta.json.JsonException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.http.entity.ContentType;
import org.apache.http.nio.entity.NByteArrayEntity;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;

/**
 * All Elasticsearch calls of the API go through here, so that failures map the same way: an
 * unreachable or overloaded cluster, or one refusing our credentials, becomes 503, another error status becomes
 * {@link ElasticsearchStatusException}. Search requests are JSON built with Jackson and sent with
 * the low-level client, because the typed 8.19 client does not model every knn field we use. A search or
 * count that some shards failed is refused here too ({@link #requireAllShards}), whoever sent it.
 */
public final class ElasticsearchGateway implements AutoCloseable {
  private static final String INDEX_NOT_FOUND = "index_not_found_exception";
  private static final String INDEX_CLOSED = "index_closed_exception";
  private static final String CLUSTER_BLOCK = "cluster_block_exception";
  /** A point in time's search context is gone: expired, or its node restarted. */
  public static final String SEARCH_CONTEXT_MISSING = "search_context_missing_exception";
  private final ElasticsearchClient typed;
  private final RestClient rest;
  /** Whether an answer without vectors has shown that this server needs the explicit option. */
  private volatile boolean sourceVectorsOption;

  public ElasticsearchGateway(ElasticsearchClient typed) {
    this.typed = typed;
    this.rest = ElasticsearchClients.restClient(typed);
  }

  /** A call through the typed client (index admin through common's IndexMapping). */
  @FunctionalInterface
  public interface TypedCall<T> {
    T call(ElasticsearchClient client) throws IOException;
  }

  /** A typed call about {@code index}, which an answer the client cannot read names. */
  public <T> T typed(String index, TypedCall<T> call) {
    long start = System.nanoTime();
    try {
      return call.call(typed);
    } catch (ElasticsearchException e) {
      throw statusError(e.status(), e.error().type(), e.error().reason(), index);
    } catch (TransportException e) {
      throw transportFailure(index, e);
    } catch (IOException e) {
      throw unavailable(e);
    } finally {
      ElasticsearchRoundTrips.record(System.nanoTime() - start, null);
    }
  }

  /** A typed call's failure that carries no Elasticsearch error body. */
  static RuntimeException transportFailure(String index, TransportException e) {
    // The 8.19 client models 8.19's answers: a newer server's (a 9.x index type in a mapping) fails to decode.
    if (e.getCause() instanceof JsonException unreadable) {
      return new UnreadableResponseException(index, unreadable);
    }
    // The client lets 401/403 through on HEAD-style calls (indices.exists), then fails on the missing body:
    // the status still says our credentials were refused, which no amount of waiting fixes.
    int status = ElasticsearchFailures.httpStatus(e);
    if (status == 401 || status == 403) {
      return statusError(status, "", e.getMessage());
    }
    return unavailable(e);
  }

  /** One form of a read request: endpoint (with its query string) and JSON body (null: none). */
  public record Read(String endpoint, Object body) {
  }

  /**
   * A read whose documents must carry their dense vectors in {@code _source}. Elasticsearch 9.x
   * leaves vectors out of {@code _source} for indices it creates unless asked: naming the field in
   * the source includes is enough on 9.5 (and harmless on 8.19), so {@code plain} does that; the
   * explicit option ({@code "_source": {"exclude_vectors": false}} in a search body,
   * {@code _source_exclude_vectors=false} on get/mget) is in {@code withOption}, which 8.19
   * refuses on mget (400 unrecognized parameter). So {@code plain} is sent first, and
   * {@code withOption} only when an answer holds a document without its vector
   * ({@code anyWithoutVector}); once that helped, this process sends {@code withOption} first. A
   * server that refuses the option gets {@code plain}, whose answer then stands (8.x returns every
   * stored vector: such a document has none, and {@link IndexDocument#fromHit} says so).
   */
  public JsonNode readVectors(String method, Read plain, Read withOption, Predicate<JsonNode> anyWithoutVector) {
    if (sourceVectorsOption) {
      try {
        return request(method, withOption.endpoint(), withOption.body());
      } catch (ElasticsearchStatusException e) {
        if (!refusesSourceVectorsOption(e)) {
          throw e;
        }
      }
      return request(method, plain.endpoint(), plain.body());
    }
    JsonNode response = request(method, plain.endpoint(), plain.body());
    if (!anyWithoutVector.test(response)) {
      return response;
    }
    try {
      JsonNode asked = request(method, withOption.endpoint(), withOption.body());
      sourceVectorsOption = true;
      return asked;
    } catch (ElasticsearchStatusException e) {
      if (!refusesSourceVectorsOption(e)) {
        throw e;
      }
      return response;
    }
  }

  /** Whether {@link #readVectors} sends the explicit 9.x option first (learned, see there). */
  public boolean sourceVectorsOption() {
    return sourceVectorsOption;
  }

  private static boolean refusesSourceVectorsOption(ElasticsearchStatusException e) {
    return e.elasticsearchStatus() == 400 && e.getMessage().contains("exclude_vectors");
  }

  /** Sends a request with an optional JSON body and returns the parsed JSON response. */
  public JsonNode request(String method, String endpoint, Object body) {
    Request request = new Request(method, endpoint);
    try {
      if (body != null) {
        // The non-blocking entity: the async client writes it in one go, where a plain entity is
        // copied through a stream in 4 KiB steps, one I/O-reactor turn each (a 512-d query took two).
        request.setEntity(new NByteArrayEntity(Json.MAPPER.writeValueAsBytes(body), ContentType.APPLICATION_JSON));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return perform(request);
  }

  /** Sends a request whose body is newline-delimited JSON, one line per object ({@code _msearch}). */
  public JsonNode requestLines(String method, String endpoint, List<?> lines) {
    Request request = new Request(method, endpoint);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    try {
      for (Object line : lines) {
        body.write(Json.MAPPER.writeValueAsBytes(line));
        body.write('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    request.setEntity(new NByteArrayEntity(body.toByteArray(), ContentType.create("application/x-ndjson")));
    return perform(request);
  }

  private JsonNode perform(Request request) {
    try {
      long start = System.nanoTime();
      JsonNode json = null;
      try {
        Response response = rest.performRequest(request);
        try (InputStream in = response.getEntity().getContent()) {
          json = Json.MAPPER.readTree(in);
        }
      } finally {
        ElasticsearchRoundTrips.record(System.nanoTime() - start, json);
      }
      return mustBeWhole(request.getEndpoint()) ? requireAllShards(json) : json;
    } catch (ResponseException e) {
      throw fromResponse(e);
    } catch (IOException e) {
      throw unavailable(e);
    }
  }

  /**
   * Whether the answer to {@code endpoint} is a search's or a count's ({@code _search}, {@code _count}: knn,
   * exact-scan and point-in-time pages, lookups by label id, index sizes), which must hold every shard's part.
   * Not {@code _msearch}, whose searches readiness reports one by one, nor the answers whose {@code _shards} count
   * failures that are no failure of the request (a refresh). Opening a point in time needs no check: Elasticsearch
   * refuses one missing shards unless asked, and a search on such a point in time reports them as failed.
   */
  private static boolean mustBeWhole(String endpoint) {
    int query = endpoint.indexOf('?');
    String path = query < 0 ? endpoint : endpoint.substring(0, query);
    return path.endsWith("/_search") || path.endsWith("/_count");
  }

  private static RuntimeException fromResponse(ResponseException e) {
    int status = e.getResponse().getStatusLine().getStatusCode();
    String type = "";
    String index = "";
    String reason = e.getResponse().getStatusLine().getReasonPhrase();
    try (InputStream in = e.getResponse().getEntity().getContent()) {
      JsonNode error = Json.MAPPER.readTree(in).path("error");
      JsonNode root = error.path("root_cause").path(0);
      JsonNode cause = root.isMissingNode() ? error : root;
      type = cause.path("type").asText("");
      reason = cause.path("reason").asText(error.isTextual() ? error.asText() : reason);
      index = cause.path("index").asText("");
    } catch (IOException | RuntimeException ignored) {
      // The status line alone still says what happened.
    }
    return statusError(status, type, reason, index);
  }

  /**
   * An mget answers 200 and puts a failed item's error inside it (a missing index, an unavailable shard):
   * the same failure as a whole request's, never "document not found".
   */
  static void failOnItemError(JsonNode item) {
    JsonNode error = item.path("error");
    if (error.isMissingNode() || error.isNull()) {
      return;
    }
    String type = error.path("type").asText("");
    int status = INDEX_NOT_FOUND.equals(type) ? 404 : INDEX_CLOSED.equals(type) || CLUSTER_BLOCK.equals(type) ? 400 : 503;
    throw statusError(status, type, error.path("reason").asText(error.toString()), error.path("index").asText(""));
  }

  /**
   * A search answers 200 with the hits of the shards that answered when others failed (an unassigned shard, a
   * node restarting): a result missing documents without saying so, and a gap in search_after paging. So a
   * search with failed shards fails whole, as 503 (retry). Failures that are all lost point-in-time contexts
   * are what Elasticsearch answers 404 for when every shard lost them, and are thrown as that. A search stopped at
   * its time limit is as partial. Applied to every answer of a {@link #mustBeWhole} endpoint.
   */
  static JsonNode requireAllShards(JsonNode response) {
    if (response.path("timed_out").asBoolean()) {
      // Only a cluster-wide search.default_search_timeout sets one: the API's searches carry none.
      throw new BackendUnavailableException(Reason.OVERLOADED, "Elasticsearch stopped the search at its time limit"
          + " (search.default_search_timeout): the answer would miss documents", null);
    }
    String description = shardsFailed(response);
    if (description == null) {
      return response;
    }
    JsonNode failures = response.path("_shards").path("failures");
    boolean contextsLost = !failures.isEmpty();
    for (JsonNode failure : failures) {
      contextsLost &= SEARCH_CONTEXT_MISSING.equals(failure.path("reason").path("type").asText());
    }
    if (contextsLost) {
      throw new ElasticsearchStatusException(404, SEARCH_CONTEXT_MISSING, description);
    }
    throw new BackendUnavailableException(Reason.OVERLOADED, "Elasticsearch could not search every shard ("
        + description + "): the answer would miss documents", null);
  }

  /** "n of m shards failed, e.g. ..." for a search or count answered without some shards; null when all answered. */
  static String shardsFailed(JsonNode response) {
    JsonNode shards = response.path("_shards");
    int failed = shards.path("failed").asInt();
    return failed == 0 ? null
        : failed + " of " + shards.path("total").asInt() + " shards failed" + shardFailure(shards.path("failures"));
  }

  /** The first of a search's shard failures, naming its index; empty when there is none. */
  static String shardFailure(JsonNode failures) {
    JsonNode failure = failures.path(0);
    if (failure.isMissingNode()) {
      return "";
    }
    JsonNode reason = failure.path("reason");
    return ", e.g. index '" + failure.path("index").asText() + "': " + reason.path("type").asText() + " "
        + reason.path("reason").asText("");
  }

  static RuntimeException statusError(int status, String type, String reason) {
    return statusError(status, type, reason, "");
  }

  /**
   * {@code index}: the index the failed request was about, as Elasticsearch's error or the caller names it (empty:
   * unknown). A closed index ({@code index_closed_exception}) or an index block ({@code cluster_block_exception},
   * 403 for {@code index.blocks.read}) is told apart by Elasticsearch's error type: the operator's state of the
   * index, which neither a bug (502) nor the API's credentials (403 otherwise) explain.
   */
  static RuntimeException statusError(int status, String type, String reason, String index) {
    if (status == 429 || status >= 500) {
      return new BackendUnavailableException(Reason.OVERLOADED, "Elasticsearch is overloaded or unavailable ("
          + status + " " + type + ": " + reason + ")", null);
    }
    String named = index == null || index.isEmpty() ? "" : " '" + index + "'";
    if (INDEX_CLOSED.equals(type)) {
      return new BackendUnavailableException(Reason.INDEX_BLOCKED, "the run's index" + named + " is closed: it "
          + "serves again once opened (POST /<index>/_open) (Elasticsearch answered " + status + " " + type + ": "
          + reason + ")", null);
    }
    if (CLUSTER_BLOCK.equals(type)) {
      return new BackendUnavailableException(Reason.INDEX_BLOCKED, "the run's index" + named + " is blocked: an "
          + "index block (e.g. index.blocks.read) refuses the action until it is lifted (Elasticsearch answered "
          + status + " " + type + ": " + reason + ")", null);
    }
    // Only the API's own credentials go to Elasticsearch: a refusal is the server's problem, not the client's.
    if (status == 401 || status == 403) {
      return new BackendUnavailableException(Reason.CREDENTIALS_REJECTED, "the query API's access to Elasticsearch "
          + "is misconfigured: " + ElasticsearchFailures.forStatus(status, (type == null || type.isEmpty() ? ""
          : type + ": ") + reason), null);
    }
    return new ElasticsearchStatusException(status, type == null ? "" : type, reason);
  }

  private static BackendUnavailableException unavailable(IOException e) {
    Optional<String> tls = ElasticsearchFailures.tlsProblem(e);
    if (tls.isPresent()) {
      return new BackendUnavailableException(Reason.CERTIFICATE_REJECTED, "the query API cannot connect to "
          + "Elasticsearch securely: " + tls.get(), e);
    }
    String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new BackendUnavailableException(Reason.UNREACHABLE, "Elasticsearch is unreachable: " + reason, e);
  }

  @Override
  public void close() throws IOException {
    typed._transport().close();
  }
}
