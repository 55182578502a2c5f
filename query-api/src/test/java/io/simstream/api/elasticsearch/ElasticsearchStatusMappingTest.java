package io.simstream.api.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import io.simstream.api.error.ApiException;
import io.simstream.api.error.BackendUnavailableException;
import io.simstream.api.error.BackendUnavailableException.Reason;
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
}
