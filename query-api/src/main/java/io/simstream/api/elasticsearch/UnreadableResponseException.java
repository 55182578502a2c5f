package io.simstream.api.elasticsearch;

import io.simstream.api.error.ApiException;

/**
 * Elasticsearch answered, but the typed client could not read the answer (a 502: the server is
 * newer than the client, e.g. a 9.x index type in a mapping). Names the index and the parse failure.
 */
public final class UnreadableResponseException extends ApiException {
  public UnreadableResponseException(String index, RuntimeException cause) {
    super(502, "Elasticsearch's answer about index '" + index + "' could not be read by the query API's "
        + "Elasticsearch client (a newer server may use a type it does not know): " + cause.getMessage(), cause);
  }
}
