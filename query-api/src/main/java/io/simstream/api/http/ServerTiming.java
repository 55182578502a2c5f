package io.simstream.api.http;

import io.javalin.http.Context;
import io.simstream.api.elasticsearch.ElasticsearchRoundTrips;
import java.util.Locale;

/**
 * The {@code Server-Timing} response header, so that a slow answer says where its time went
 * (docs/api.md): {@code api}, the API's own time from its first to its last handler;
 * {@code es}, the round trips to Elasticsearch within it (desc: how many); {@code es-took}, the
 * server's own {@code took} of the searches among them. The difference between a client's time
 * and {@code api} is the network and HTTP on the way; between {@code es} and {@code es-took}, the
 * hop to Elasticsearch and its HTTP layer.
 */
public final class ServerTiming {
  public static final String HEADER = "Server-Timing";
  private static final String START = ServerTiming.class.getName() + ".start";

  private ServerTiming() {
  }

  /** The first before-handler. */
  public static void start(Context ctx) {
    ElasticsearchRoundTrips.startRequest();
    ctx.attribute(START, System.nanoTime());
  }

  /** An after-handler: after handlers and error mapping, before the response is written. */
  public static void write(Context ctx) {
    Long start = ctx.attribute(START);
    if (start == null) {
      return;
    }
    StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "api;dur=%.2f", (System.nanoTime() - start) / 1e6));
    ElasticsearchRoundTrips es = ElasticsearchRoundTrips.ofThisRequest();
    if (es.calls() > 0) {
      header.append(String.format(Locale.ROOT, ", es;dur=%.2f;desc=\"%d %s\"", es.millis(), es.calls(),
          es.calls() == 1 ? "call" : "calls"));
      if (es.tookMillis() != null) {
        header.append(", es-took;dur=").append(es.tookMillis());
      }
    }
    ctx.header(HEADER, header.toString());
  }
}
