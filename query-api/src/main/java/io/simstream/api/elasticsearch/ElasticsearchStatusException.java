package io.simstream.api.elasticsearch;

import io.simstream.api.error.ApiException;

/**
 * Elasticsearch answered with an error status we did not handle at the call site. 404 stays 404;
 * anything else is the server refusing a request we built, reported as 502 with its reason.
 */
public final class ElasticsearchStatusException extends ApiException {
  private final int elasticsearchStatus;
  private final String errorType;

  public ElasticsearchStatusException(int elasticsearchStatus, String errorType, String reason) {
    super(elasticsearchStatus == 404 ? 404 : 502, "Elasticsearch answered " + elasticsearchStatus
        + (errorType.isEmpty() ? "" : " " + errorType) + ": " + reason);
    this.elasticsearchStatus = elasticsearchStatus;
    this.errorType = errorType;
  }

  public int elasticsearchStatus() {
    return elasticsearchStatus;
  }

  /** The {@code error.type} of the response, e.g. {@code index_not_found_exception}. */
  public String errorType() {
    return errorType;
  }
}
