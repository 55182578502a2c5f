package io.simstream.api.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import co.elastic.clients.transport.TransportException;
import co.elastic.clients.transport.http.TransportHttpClient;
import co.elastic.clients.util.BinaryData;
import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.json.Json;
import io.simstream.api.error.ApiException;
import io.simstream.api.error.BackendUnavailableException;
import io.simstream.api.error.BackendUnavailableException.Reason;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How an Elasticsearch error status becomes the API's answer, decided by status, never by message text. */
class ElasticsearchStatusMappingTest {

  @Test
  void rejectedCredentialsAre503ForTheOperator() {
    for (int status : new int[] {401, 403}) {
      RuntimeException e = ElasticsearchGateway.statusError(status, "security_exception",
          "unable to authenticate user [simstream]");
      assertThat(e).isInstanceOfSatisfying(BackendUnavailableException.class, unavailable -> {
        assertThat(unavailable.status()).isEqualTo(503);
        assertThat(unavailable.reason()).isEqualTo(Reason.CREDENTIALS_REJECTED);
        assertThat(unavailable.getMessage()).contains("query API's access to Elasticsearch is misconfigured")
            .contains(status == 401 ? "authentication failed" : "missing privilege")
            .contains(status == 401 ? "SIMSTREAM_ES_USERNAME" : "docs/deployment.md").contains("security_exception");
      });
    }
  }

  @Test
  void overloadIs503AndOtherRefusalsKeepTheirMeaning() {
    assertThat(ElasticsearchGateway.statusError(429, "es_rejected_execution_exception", "queue full"))
        .isInstanceOfSatisfying(BackendUnavailableException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.OVERLOADED));
    assertThat(ElasticsearchGateway.statusError(503, "", "no master"))
        .isInstanceOfSatisfying(BackendUnavailableException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.OVERLOADED));
    assertThat(((ApiException) ElasticsearchGateway.statusError(404, "index_not_found_exception", "no such index"))
        .status()).isEqualTo(404);
    assertThat(((ApiException) ElasticsearchGateway.statusError(400, "parsing_exception", "bad")).status())
        .isEqualTo(502);
  }

  @Test
  void aBodilessRefusalOfTheTypedClientIsRejectedCredentialsNotUnreachable() {
    // indices.exists (HEAD) lets a 401 through and then fails on the missing body.
    TransportException headRefused = new TransportException(answered(401),
        "Expecting a response body, but none was sent", "es/indices.exists");
    assertThat(ElasticsearchGateway.transportFailure("idx", headRefused))
        .isInstanceOfSatisfying(BackendUnavailableException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.CREDENTIALS_REJECTED);
          assertThat(e.getMessage()).contains("SIMSTREAM_ES_USERNAME").contains("status: 401");
        });
    assertThat(ElasticsearchGateway.transportFailure("idx", new TransportException(answered(403), "no body",
        "es/indices.exists"))).isInstanceOfSatisfying(BackendUnavailableException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.CREDENTIALS_REJECTED));
    assertThat(ElasticsearchGateway.transportFailure("idx", new TransportException(answered(502), "no body",
        "es/indices.exists"))).isInstanceOfSatisfying(BackendUnavailableException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.UNREACHABLE));
  }

  @Test
  void aSearchWithFailedShardsFailsWholeAndLostContextsKeepTheirType() throws Exception {
    JsonNode whole = Json.MAPPER.readTree("{\"_shards\":{\"total\":2,\"successful\":2,\"failed\":0},"
        + "\"hits\":{\"hits\":[]}}");
    assertThat(ElasticsearchGateway.requireAllShards(whole)).isSameAs(whole);

    JsonNode unassigned = Json.MAPPER.readTree("{\"_shards\":{\"total\":3,\"successful\":2,\"failed\":1,"
        + "\"failures\":[{\"shard\":0,\"index\":\"idx\",\"reason\":{\"type\":"
        + "\"no_shard_available_action_exception\",\"reason\":\"x\"}}]},\"hits\":{\"hits\":[]}}");
    assertThat(catchThrowable(() -> ElasticsearchGateway.requireAllShards(unassigned)))
        .isInstanceOfSatisfying(BackendUnavailableException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.OVERLOADED);
          assertThat(e.getMessage()).contains("1 of 3 shards failed").contains("index 'idx'")
              .contains("no_shard_available_action_exception");
        });

    // Part of a point in time gone: what Elasticsearch answers 404 for when all of it is, so callers read one type.
    JsonNode contextsLost = Json.MAPPER.readTree("{\"_shards\":{\"total\":2,\"successful\":1,\"failed\":1,"
        + "\"failures\":[{\"shard\":1,\"index\":\"idx\",\"reason\":{\"type\":"
        + "\"search_context_missing_exception\",\"reason\":\"No search context found for id [3]\"}}]},"
        + "\"hits\":{\"hits\":[]}}");
    assertThat(catchThrowable(() -> ElasticsearchGateway.requireAllShards(contextsLost)))
        .isInstanceOfSatisfying(ElasticsearchStatusException.class, e -> {
          assertThat(e.elasticsearchStatus()).isEqualTo(404);
          assertThat(e.errorType()).isEqualTo("search_context_missing_exception");
        });
  }

  private static TransportHttpClient.Response answered(int status) {
    return new TransportHttpClient.Response() {
      @Override
      public TransportHttpClient.Node node() {
        return null;
      }

      @Override
      public int statusCode() {
        return status;
      }

      @Override
      public String header(String name) {
        return null;
      }

      @Override
      public List<String> headers(String name) {
        return List.of();
      }

      @Override
      public BinaryData body() {
        return null;
      }

      @Override
      public Object originalResponse() {
        return null;
      }

      @Override
      public void close() {
      }
    };
  }
}
