package io.simstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.json.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures when documents first become searchable: a thread searches the index for the ids still
 * outstanding and records, for each one found, the time since it was offered. The figure is an
 * upper bound, late by at most one poll ({@link #POLL_MS} plus the search itself). The same thread
 * also reads the ids with a real-time multi-get, as the API's id lookups do: a get sees a write as
 * soon as its bulk is acknowledged, a search only after the next refresh, and the gap between the
 * two is the window in which a lookup and a search disagree.
 */
final class VisibilityProbe implements AutoCloseable {
  static final long POLL_MS = 25;
  /**
   * One offered id in this many is tracked. Looking for every outstanding id every poll costs the node
   * more the further a path lags, which slows its indexing and makes it lag further: the probe must not
   * be what it measures. A tenth of a 40 s load still gives thousands of latencies.
   */
  static final int TRACK_EVERY = 10;
  private static final int IDS_PER_SEARCH = 5_000;
  /**
   * One tracked id in this many is also read by real-time gets, every {@link #READS_EVERY} polls: a get
   * of a document not yet refreshed makes the node refresh its internal reader, so reading every
   * tracked id every poll slowed the node it measured (p50 9 s instead of 1.4 s in one run).
   */
  static final int READ_EVERY = 10;
  static final int READS_EVERY = 4;

  private final DirectElasticsearch es;
  private final String index;
  private final Map<String, Long> outstanding = new ConcurrentHashMap<>();
  /** Tracked ids not yet found by a get. */
  private final Map<String, Long> unread = new ConcurrentHashMap<>();
  /** When a get first found each tracked id not yet searchable. */
  private final Map<String, Long> readAt = new ConcurrentHashMap<>();
  private final List<Double> getToSearchMs = Collections.synchronizedList(new ArrayList<>());
  private final AtomicLong offeredCount = new AtomicLong();
  private long polls;
  private final List<Double> latenciesMs = Collections.synchronizedList(new ArrayList<>());
  private final Thread thread;
  private volatile boolean running = true;

  VisibilityProbe(DirectElasticsearch es, String index) {
    this.es = es;
    this.index = index;
    this.thread = new Thread(this::poll, "visibility-probe");
    thread.setDaemon(true);
    thread.start();
  }

  /** Records that {@code id} was offered at {@code nanoTime}, if it is one of those tracked. */
  void offered(String id, long nanoTime) {
    long offered = offeredCount.getAndIncrement();
    if (offered % TRACK_EVERY == 0) {
      outstanding.put(id, nanoTime);
      if (offered % (TRACK_EVERY * READ_EVERY) == 0) {
        unread.put(id, nanoTime);
      }
    }
  }

  /** Waits until every tracked id was seen, or the timeout; returns how many were never seen. */

  int awaitAll(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!outstanding.isEmpty() && System.nanoTime() < deadline) {
      Searchable.sleep(POLL_MS);
    }
    return outstanding.size();
  }

  List<Double> latenciesMs() {
    synchronized (latenciesMs) {
      return List.copyOf(latenciesMs);
    }
  }

  /** For each id read by gets, how long after a get first found it a search did (0 when no get was earlier). */
  List<Double> getToSearchMs() {
    synchronized (getToSearchMs) {
      return List.copyOf(getToSearchMs);
    }
  }

  private void poll() {
    while (running) {
      List<String> toRead = polls++ % READS_EVERY == 0 ? List.copyOf(unread.keySet()) : List.of();
      for (int from = 0; from < toRead.size(); from += IDS_PER_SEARCH) {
        JsonNode docs = es.mget(index, toRead.subList(from, Math.min(toRead.size(), from + IDS_PER_SEARCH)));
        long now = System.nanoTime();
        for (JsonNode doc : docs.path("docs")) {
          String id = doc.path("_id").asText();
          if (doc.path("found").asBoolean() && unread.remove(id) != null && outstanding.containsKey(id)) {
            readAt.put(id, now);
          }
        }
      }
      // Every outstanding id each round, a chunk per search: none waits behind others to be looked for.
      List<String> ids = List.copyOf(outstanding.keySet());
      for (int from = 0; from < ids.size(); from += IDS_PER_SEARCH) {
        List<String> chunk = ids.subList(from, Math.min(ids.size(), from + IDS_PER_SEARCH));
        JsonNode hits = es.search(index, idsQuery(chunk)).path("hits").path("hits");
        long now = System.nanoTime();
        for (JsonNode hit : hits) {
          String id = hit.path("_id").asText();
          Long offeredAt = outstanding.remove(id);
          if (offeredAt != null) {
            latenciesMs.add((now - offeredAt) / 1e6);
            Long read = readAt.remove(id);
            if (unread.remove(id) != null || read != null) {
              getToSearchMs.add(read == null ? 0 : (now - read) / 1e6);
            }
          }
        }
      }
      Searchable.sleep(POLL_MS);
    }
  }

  private static JsonNode idsQuery(List<String> ids) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("size", ids.size()).put("_source", false).put("track_total_hits", false);
    ArrayNode values = body.putObject("query").putObject("ids").putArray("values");
    ids.forEach(values::add);
    return body;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(5_000);
  }
}
