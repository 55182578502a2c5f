package io.simstream.api.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The Elasticsearch calls of the request this thread serves: how many, their summed round trip as
 * the API saw it, and the summed {@code took} the server reported for its searches, for the
 * {@code Server-Timing} response header. Handlers are synchronous, one request per thread at a time,
 * so a thread-local tally reset when a request starts is that request's.
 */
public final class ElasticsearchRoundTrips {
  private static final ThreadLocal<ElasticsearchRoundTrips> CURRENT = ThreadLocal.withInitial(ElasticsearchRoundTrips::new);

  private int calls;
  private long nanos;
  private long tookMillis;
  private boolean anyTook;

  private ElasticsearchRoundTrips() {
  }

  /** Forgets the calls of this thread's previous request. */
  public static void startRequest() {
    ElasticsearchRoundTrips tally = CURRENT.get();
    tally.calls = 0;
    tally.nanos = 0;
    tally.tookMillis = 0;
    tally.anyTook = false;
  }

  /** The calls since {@link #startRequest()} on this thread. */
  public static ElasticsearchRoundTrips ofThisRequest() {
    return CURRENT.get();
  }

  static void record(long nanos, JsonNode response) {
    ElasticsearchRoundTrips tally = CURRENT.get();
    tally.calls++;
    tally.nanos += nanos;
    JsonNode took = response == null ? null : response.get("took");
    if (took != null && took.isIntegralNumber()) {
      tally.tookMillis += took.asLong();
      tally.anyTook = true;
    }
  }

  public int calls() {
    return calls;
  }

  public double millis() {
    return nanos / 1e6;
  }

  /** The server's own time for the searches among the calls; null when none reported one. */
  public Long tookMillis() {
    return anyTook ? tookMillis : null;
  }
}
