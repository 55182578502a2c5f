package io.simstream.indexer.write;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.transport.rest_client.RestClientOptions;
import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.elasticsearch.BulkVectorEncoding;
import io.simstream.elasticsearch.ElasticsearchClients;
import io.simstream.elasticsearch.ElasticsearchFailures;
import io.simstream.elasticsearch.IndexMapping;
import io.simstream.elasticsearch.VectorFieldSpec;
import io.simstream.indexer.metrics.IndexerMetrics;
import io.simstream.json.Json;
import io.simstream.run.SimilarityRun;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.util.EntityUtils;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.RequestOptions;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes ops with the bulk API, externally versioned, without holding the caller's thread: a
 * submission's chunks go out at once and its retries (429/5xx items, failed requests, write blocks)
 * are scheduled with jittered backoff until the retry budget is spent. Callers bound what they keep
 * in flight (see the topology's Outbox).
 */
public final class BulkVectorWriter implements VectorIndexWriter {
  private static final Logger LOG = LoggerFactory.getLogger(BulkVectorWriter.class);
  private static final int BAD_REQUEST = 400;
  private static final int UNAUTHORIZED = 401;
  private static final int NOT_FOUND = 404;
  private static final int TOO_MANY_REQUESTS = 429;
  private static final int PAYLOAD_TOO_LARGE = 413;
  /** 4xx answers to an index check that a later try may not get: gone meanwhile, timed out, conflicting, throttled. */
  private static final Set<Integer> WAITING_MAY_HELP = Set.of(NOT_FOUND, 408, 409, TOO_MANY_REQUESTS);

  /** Limits of the requests: actions and bytes per bulk, and how long failures are retried. */
  public record Limits(int maxActions, int maxBytes, Duration retryBudget) {
  }

  /** An index known to exist with its write alias, its identity, and when that was last checked. */
  private record KnownIndex(SimilarityRun run, String uuid, long checkedAtMs) {
  }

  /**
   * How long an index is trusted to exist without asking: an index deleted under a live run
   * (cleanup) is created again and refilled within this time even if no write hits it.
   */
  private static final long RECHECK_MS = 30_000;
  /** How long a refusal to create an index stands before it is asked again: every flush and backfill step asks. */
  private static final long REFUSED_RECHECK_MS = 30_000;
  /**
   * An index check runs on the stream thread, inside the task's 15 s transaction, maybe for several runs
   * in one flush: a cluster that accepts connections but does not answer must not hold it for the
   * client's usual 30 s. A creation cut short is found by the next check's read.
   */
  private static final RequestConfig CHECK_TIMEOUTS =
      RequestConfig.custom().setConnectTimeout(2_000).setSocketTimeout(2_000).build();
  private static final RequestOptions CHECK_OPTIONS = RequestOptions.DEFAULT.toBuilder()
      .setRequestConfig(CHECK_TIMEOUTS).build();
  private static final String ALREADY_EXISTS = "resource_already_exists_exception";
  /**
   * When, after a run deleted with its index, to look for that index left or created again: a write already sent
   * lands within a request's timeout.
   */
  private static final List<Long> RETIRED_SWEEPS_MS = List.of(5_000L, 60_000L);

  private final ElasticsearchClient es;
  /** The same client with {@link #CHECK_TIMEOUTS}, for the typed calls of an index check (create, add fields). */
  private final ElasticsearchClient checkClient;
  private final RestClient rest;
  private final Limits limits;
  private final ChunkPlanner chunks;
  private final IndexerMetrics metrics;
  private final Clock clock;
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "simstream-bulk-retries");
    thread.setDaemon(true);
    return thread;
  });
  private final Map<String, KnownIndex> knownIndexes = new ConcurrentHashMap<>();
  /** Indexes a write found missing, with their runs, until they are created again. */
  private final Map<String, SimilarityRun> recreating = new ConcurrentHashMap<>();
  private final Map<String, Unavailable> unavailableIndexes = new ConcurrentHashMap<>();
  private final Map<String, Refused> refusedIndexes = new ConcurrentHashMap<>();
  /** Indexes deleted with their runs, by name, with the id of the run deleted: see {@link #retire}. */
  private final Map<String, String> retiredIndexes = new ConcurrentHashMap<>();
  private final AtomicBoolean firstSubmission = new AtomicBoolean();

  /** {@code encoding}: the cluster's, from {@link BulkVectorEncoding#detect} at start. */
  public BulkVectorWriter(ElasticsearchClient es, Limits limits, BulkVectorEncoding encoding, IndexerMetrics metrics,
                          Clock clock) {
    this.es = es;
    this.checkClient = withCheckTimeouts(es);
    this.rest = ElasticsearchClients.restClient(es);
    this.limits = limits;
    this.chunks = new ChunkPlanner(limits.maxActions(), limits.maxBytes(), encoding);
    this.metrics = metrics;
    this.clock = clock;
  }

  /** Keeps the client's headers (its compatibility and meta headers), with the short timeouts of a check. */
  private static ElasticsearchClient withCheckTimeouts(ElasticsearchClient es) {
    if (!(es._transportOptions() instanceof RestClientOptions options)) {
      return es;
    }
    RestClientOptions.Builder builder = options.toBuilder();
    builder.restClientRequestOptionsBuilder().setRequestConfig(CHECK_TIMEOUTS);
    return es.withTransportOptions(builder.build());
  }

  @Override
  public BulkVectorEncoding vectorEncoding() {
    return chunks.encoding();
  }

  private Backoff backoff() {
    return new Backoff(limits.retryBudget(), clock, cap -> ThreadLocalRandom.current().nextLong(cap));
  }

  /**
   * The index's identity, creating it if missing. A re-check of a known index and the first check of
   * a new one each make one try per call, so the stream thread never waits out an outage (its
   * transaction times out after 15 s): a known index keeps the identity it had, a new one answers
   * {@link IndexWriteException.Reason#INDEX_PENDING} until its next try is due.
   */
  @Override
  public String ensureIndex(SimilarityRun run) {
    return ensure(run, true);
  }

  private String ensure(SimilarityRun run, boolean honourRetryTime) {
    String index = run.indexName();
    if (run.id().equals(retiredIndexes.get(index))) {
      throw new IndexWriteException(IndexWriteException.Reason.INDEX_REFUSED, "run " + run.brainKey()
          + " was deleted with its index " + index, null);
    }
    KnownIndex known = knownIndexes.get(index);
    if (known != null) {
      // Left by a thread that lost the creation race, or by a failure before the index was known.
      unavailableIndexes.remove(index);
      if (clock.millis() - known.checkedAtMs() < RECHECK_MS) {
        return known.uuid();
      }
    }
    Refused refused = refusedIndexes.get(index);
    if (refused != null && clock.millis() < refused.retryAtMs()) {
      throw new IndexWriteException(refused.reason(), refused.message(), null);
    }
    Unavailable unavailable = known == null ? unavailableIndexes.get(index) : null;
    if (unavailable != null && honourRetryTime && clock.millis() < unavailable.retryAtMs()) {
      throw unavailable.pending(index, clock.millis());
    }
    Exception failure;
    String what;
    try {
      String uuid = createOrAdopt(run);
      knownIndexes.put(index, new KnownIndex(run, uuid, clock.millis()));
      unavailableIndexes.remove(index);
      refusedIndexes.remove(index);
      return uuid;
    } catch (IndexWriteException e) {
      throw remembered(index, e);
    } catch (IOException | RuntimeException e) {
      Optional<IndexWriteException> refusal = refusal(index, e);
      // A known index refused a look at it (a role changed): its writes go on, and tell whether they may.
      if (refusal.isPresent()
          && !(known != null && refusal.get().reason() == IndexWriteException.Reason.INDEX_UNREADABLE)) {
        throw remembered(index, refusal.get());
      }
      failure = e;
      what = e instanceof ElasticsearchException ? "create index " : "check index ";
    }
    if (known != null) {
      // Writes retry on their own, and one that finds the index gone creates it again.
      LOG.warn("Could not re-check index {}, keeping what was known: {}", index, ElasticsearchFailures.describe(failure));
      knownIndexes.put(index, new KnownIndex(known.run(), known.uuid(), clock.millis()));
      return known.uuid();
    }
    // Stream threads and the retry scheduler may fail on one index at once: one backoff, advanced under the map's lock.
    Unavailable next = unavailableIndexes.compute(index, (name, current) -> {
      Backoff backoff = current != null ? current.backoff() : backoff();
      OptionalLong delay = backoff.next();
      return delay.isEmpty() ? null : new Unavailable(backoff, clock.millis() + delay.getAsLong(), failure);
    });
    if (next == null) {
      throw new IndexWriteException(IndexWriteException.Reason.INDEX_UNAVAILABLE,
          "Elasticsearch did not " + what + index + " within " + limits.retryBudget() + ": "
              + ElasticsearchFailures.describe(failure), failure);
    }
    IndexWriteException pending = next.pending(index, clock.millis());
    LOG.warn("Could not {}{}, its writes wait; trying again in {} ms: {}", what, index, pending.retryAfterMs(),
        ElasticsearchFailures.describe(failure));
    throw pending;
  }

  /** Keeps an index refusal to answer it again without asking for {@link #REFUSED_RECHECK_MS}. */
  private IndexWriteException remembered(String index, IndexWriteException e) {
    if (e.refusesIndex()) {
      LOG.warn("{}; asking again in {} s", e.getMessage(), REFUSED_RECHECK_MS / 1000);
      refusedIndexes.put(index, new Refused(e.reason(), e.getMessage(), clock.millis() + REFUSED_RECHECK_MS));
    }
    return e;
  }

  /**
   * A failed check or creation that waiting cannot cure, typed by whom it holds up. Rejected credentials and an
   * untrusted certificate refuse every request: a restart that reads corrected ones may help. Any other 4xx (a
   * missing privilege on this index, a bad name) concerns this run's index only, and hides whether it exists.
   */
  private static Optional<IndexWriteException> refusal(String index, Exception failure) {
    int status = ElasticsearchFailures.httpStatus(failure);
    if (status == UNAUTHORIZED || ElasticsearchFailures.tlsProblem(failure).isPresent()) {
      return Optional.of(new IndexWriteException(IndexWriteException.Reason.REQUEST_REFUSED,
          "cannot check or create index " + index + ": " + ElasticsearchFailures.describe(failure), failure));
    }
    if (refusedForThisIndex(status)) {
      return Optional.of(new IndexWriteException(IndexWriteException.Reason.INDEX_UNREADABLE,
          "Elasticsearch refuses the check of index " + index + ": " + ElasticsearchFailures.describe(failure),
          failure));
    }
    return Optional.empty();
  }

  /**
   * The one rule for checks and creations: a 4xx that waiting cannot cure and that concerns this index only.
   * Rejected credentials concern every request and go through {@link #refusal} instead.
   */
  private static boolean refusedForThisIndex(int status) {
    return status >= BAD_REQUEST && status < 500 && status != UNAUTHORIZED && !WAITING_MAY_HELP.contains(status);
  }

  /** A refusal to check, create or adopt an index, answered again without asking until retryAtMs. */
  private record Refused(IndexWriteException.Reason reason, String message, long retryAtMs) {
  }

  /** A new index that could not be checked: the backoff since its first failure and when to try again. */
  private record Unavailable(Backoff backoff, long retryAtMs, Exception lastFailure) {
    IndexWriteException pending(String index, long nowMs) {
      return new IndexWriteException(IndexWriteException.Reason.INDEX_PENDING, "index " + index
          + " could not be checked yet: " + ElasticsearchFailures.describe(lastFailure), lastFailure,
          Math.max(1, retryAtMs - nowMs));
    }
  }

  /**
   * Creates the index with alias, or adds the alias and any missing fields to an index created
   * elsewhere; returns its uuid. An index that has both costs one read, so neither a restart nor the
   * periodic re-check queues cluster-state updates on the master.
   */
  private String createOrAdopt(SimilarityRun run) throws IOException {
    String index = run.indexName();
    Optional<JsonNode> existing = describe(index);
    if (existing.isEmpty()) {
      try {
        IndexMapping.create(checkClient, index, new VectorFieldSpec(run.metric(), run.dims(), run.indexOptions()),
            run.layout());
      } catch (ElasticsearchException e) {
        if (ALREADY_EXISTS.equals(e.error().type())) {
          return adopt(run, describe(index).orElseThrow(() ->
              new IOException("index " + index + " was deleted right after another creation")));
        }
        if (refusedForThisIndex(e.status())) {
          throw new IndexWriteException(IndexWriteException.Reason.INDEX_REFUSED,
              "Elasticsearch refuses to create index " + index + " of run " + run.brainKey() + ": "
                  + e.getMessage(), e);
        }
        throw e;
      }
      LOG.info("Created index {} for run {} of dataset {}", index, run.brainKey(), run.dataset());
      existing = describe(index);
      if (existing.isEmpty()) {
        throw new IOException("index " + index + " was deleted right after its creation");
      }
    }
    return adopt(run, existing.get());
  }

  /**
   * Adds what an index created elsewhere (the query API, an older version) may lack; returns its
   * uuid. An index without any mapping is a shell Elasticsearch made for an externally versioned
   * delete after the index was removed: it gets the run's mapping in place, or is refused when fields
   * that contradict it were mapped since. Never deleted, because another thread may have mapped and
   * filled it since this one read it.
   */
  private String adopt(SimilarityRun run, JsonNode state) throws IOException {
    String index = run.indexName();
    JsonNode properties = state.path("mappings").path("properties");
    if (properties.isEmpty()) {
      LOG.warn("Index {} of run {} has no mapping (made by a delete after it was removed); mapping it in place",
          index, run.brainKey());
      try {
        IndexMapping.applyTo(checkClient, index, new VectorFieldSpec(run.metric(), run.dims(), run.indexOptions()));
      } catch (ElasticsearchException e) {
        if (e.status() != BAD_REQUEST) {
          throw e;
        }
        // Fields mapped since the read (a write into the shell without the alias): waiting cannot make them fit.
        throw new IndexWriteException(IndexWriteException.Reason.INDEX_REFUSED, "index " + index + " has fields that"
            + " do not fit the mapping of run " + run.brainKey() + " (" + e.getMessage()
            + "): delete the index or connect the run to another", e);
      }
    } else {
      JsonNode vector = properties.path(IndexMapping.VECTOR);
      if (!"dense_vector".equals(vector.path("type").asText()) || vector.path("dims").asInt() != run.dims()) {
        // Writing into it would map vectors dynamically or be refused item by item.
        throw new IndexWriteException(IndexWriteException.Reason.INDEX_REFUSED, "index " + index + " has "
            + (vector.isMissingNode() ? "no vector field" : "a vector field of type " + vector.path("type").asText()
            + " with " + vector.path("dims").asInt() + " dims") + "; run " + run.brainKey() + " needs dense_vector of "
            + run.dims() + ": delete the index or connect the run to another", null);
      }
      if (properties.path(IndexMapping.SUMMARY).isMissingNode()) {
        IndexMapping.addMissingFields(checkClient, index);
      }
    }
    if (!state.path("aliases").has(IndexMapping.writeAlias(index))) {
      Request alias = new Request("PUT", "/" + index + "/_alias/" + IndexMapping.writeAlias(index));
      alias.setOptions(CHECK_OPTIONS);
      rest.performRequest(alias);
    }
    return state.path("settings").path("index").path("uuid").asText();
  }

  /**
   * The index's aliases, field types (at every depth: an object field has none of its own, and an index of
   * objects only is no shell), vector dims and uuid in one read; empty when the index does not exist.
   */
  private Optional<JsonNode> describe(String index) throws IOException {
    Request get = new Request("GET", "/" + index);
    get.setOptions(CHECK_OPTIONS);
    get.addParameter("filter_path",
        "*.aliases,*.mappings.properties.**.type,*.mappings.properties." + IndexMapping.SUMMARY
            + ",*.mappings.properties." + IndexMapping.VECTOR + ".dims,*.settings.index.uuid");
    try {
      JsonNode body = Json.MAPPER.readTree(EntityUtils.toByteArray(rest.performRequest(get).getEntity()));
      return Optional.of(body.path(index));
    } catch (ResponseException e) {
      if (e.getResponse().getStatusLine().getStatusCode() == NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * Creates indexes found missing again with their runs' mappings, one try each (it runs on the
   * retry scheduler, which every write shares): says which are not created yet and how long to wait
   * before their next try. Past the retry budget of an index that cannot be checked the try throws.
   */
  private BulkSubmission.Recreation recreate(Set<String> indexes) {
    long waitMs = 0;
    String refusal = null;
    Set<String> stillMissing = new HashSet<>();
    for (String index : indexes) {
      KnownIndex known = knownIndexes.remove(index);
      if (known != null) {
        LOG.warn("Index {} of run {} is gone; creating it again", index, known.run().brainKey());
        recreating.put(index, known.run());
      }
      SimilarityRun run = recreating.get(index);
      if (run == null) {
        continue;
      }
      try {
        ensure(run, true);
        recreating.remove(index, run);
      } catch (IndexWriteException e) {
        if (e.refusesIndex()) {
          // Only an operator lifts it (a privilege granted, a stray index deleted): the writes wait, within their
          // budget, as for an outage; failing them as refused would count towards restarts that cannot help.
          refusal = e.getMessage();
          stillMissing.add(index);
          waitMs = Math.max(waitMs, REFUSED_RECHECK_MS);
          continue;
        }
        e.rethrowUnlessPending();
        stillMissing.add(index);
        waitMs = Math.max(waitMs, e.retryAfterMs());
      }
    }
    return new BulkSubmission.Recreation(Set.copyOf(stillMissing), waitMs, refusal);
  }

  @Override
  public void retire(SimilarityRun run, long deletedAtMs) {
    String index = run.indexName();
    retiredIndexes.put(index, run.id());
    knownIndexes.computeIfPresent(index, (name, known) -> known.run().id().equals(run.id()) ? null : known);
    recreating.computeIfPresent(index, (name, recreated) -> recreated.id().equals(run.id()) ? null : recreated);
    LOG.info("Run {} of dataset {} was deleted with its index {}: its writes are dropped", run.brainKey(),
        run.dataset(), index);
    if (clock.millis() - deletedAtMs > RETIRED_SWEEPS_MS.get(RETIRED_SWEEPS_MS.size() - 1)) {
      return; // an old deletion read again (a restore): no write of this process was on its way then
    }
    for (long delayMs : RETIRED_SWEEPS_MS) {
      scheduler.schedule(() -> deleteRetired(run, backoff()), delayMs, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void claim(SimilarityRun run) {
    retiredIndexes.computeIfPresent(run.indexName(), (index, retiredId) -> retiredId.equals(run.id()) ? retiredId
        : null);
  }

  /**
   * Deletes the retired run's index if it is there: the API deletes it after the run's record, but its delete may
   * have failed, and a write sent before this writer knew (a delete auto-creates its index, an index op that found
   * it gone created it again) may have created it since. An index of that name a new run took over stays. A try
   * Elasticsearch does not answer is made again within the retry budget.
   */
  private void deleteRetired(SimilarityRun run, Backoff backoff) {
    String index = run.indexName();
    if (!run.id().equals(retiredIndexes.get(index))) {
      return;
    }
    Request delete = new Request("DELETE", "/" + index);
    delete.setOptions(CHECK_OPTIONS);
    try {
      rest.performRequest(delete);
      LOG.warn("Index {} of run {}, deleted with it, was still there or created again by a write on its way;"
          + " deleted it", index, run.brainKey());
    } catch (ResponseException e) {
      if (e.getResponse().getStatusLine().getStatusCode() == NOT_FOUND) {
        return;
      }
      if (!retryable(e) || !deleteRetiredLater(run, backoff)) {
        LOG.warn("Could not delete index {} of run {}, deleted with it: {}", index, run.brainKey(),
            ElasticsearchFailures.describe(e));
      }
    } catch (IOException | RuntimeException e) {
      if (!deleteRetiredLater(run, backoff)) {
        LOG.warn("Could not delete index {} of run {}, deleted with it: {}", index, run.brainKey(),
            ElasticsearchFailures.describe(e));
      }
    }
  }

  /** Schedules another try; false once the retry budget is spent. */
  private boolean deleteRetiredLater(SimilarityRun run, Backoff backoff) {
    OptionalLong delay = backoff.next();
    delay.ifPresent(ms -> scheduler.schedule(() -> deleteRetired(run, backoff), ms, TimeUnit.MILLISECONDS));
    return delay.isPresent();
  }

  private boolean retired(WriteOp op) {
    return retiredIndexes.containsKey(op.index());
  }

  @Override
  public PendingWrite submit(List<WriteOp> ops) {
    // Planned before the run's deletion was seen: a delete would create the index again (deletes cannot require
    // the write alias), an index op would retry until the budget is spent.
    List<WriteOp> todo = ChunkPlanner.dedupe(retiredIndexes.isEmpty() ? ops
        : ops.stream().filter(op -> !retired(op)).toList());
    if (todo.isEmpty()) {
      return PendingWrite.completed(new WriteResult(0, 0, List.of()));
    }
    if (firstSubmission.compareAndSet(false, true)) {
      // With "Indexer started", this times a restart from the operator's side (docs/indexer.md "Start-up time").
      LOG.info("First bulk of this process: {} operations, JVM up {} ms", todo.size(),
          ManagementFactory.getRuntimeMXBean().getUptime());
    }
    BulkSubmission submission = new BulkSubmission(rest, chunks, metrics, scheduler, backoff(), this::recreate,
        this::retired);
    submission.start(todo);
    return submission;
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }

  /** 413: the request body is over the cluster's (or a proxy's) limit; smaller requests may pass. */
  static boolean tooLarge(ResponseException e) {
    return e.getResponse().getStatusLine().getStatusCode() == PAYLOAD_TOO_LARGE;
  }

  /** Whether a failed request could succeed later; 4xx other than 429 cannot. */
  static boolean retryable(ResponseException e) {
    int status = e.getResponse().getStatusLine().getStatusCode();
    return status == TOO_MANY_REQUESTS || status >= 500;
  }
}
