package io.simstream.cli.produce;

import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.cli.http.ApiClient;
import io.simstream.cli.http.ApiException;
import io.simstream.json.Json;
import io.simstream.run.SimilarityRun;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Second step of {@code --wait}, after {@link IndexerCommitWait}: for each run (listed by the query
 * API), a search restricted to the sent samples finds exactly the documents they should have there,
 * and one restricted to the deleted samples finds none. These are real knn searches, so a document
 * counts only once a refresh made it searchable.
 * Presence and absence are checked, not content: an update of a sample that was already searchable
 * is covered by the first step and by the indexer writing its outbox right after (docs/cli.md).
 * An unreachable API or a 5xx/429 answer (Elasticsearch restarting, say) is retried until the
 * deadline, since the changes may well become searchable meanwhile; a 4xx ends the wait.
 */
final class SearchableWait {
  /**
   * Documents per restricted search: k stays far below the API's exact-scan threshold (1,000) and
   * num_candidates above the filter's size, so Elasticsearch answers the filtered knn exactly.
   */
  static final int DOCUMENTS_PER_CHECK = 500;
  private static final Duration POLL = Duration.ofMillis(500);

  private final ApiClient api;
  private final PrintWriter log;
  /** The last transient failure, reported once when it starts and again if the wait times out. */
  private String transientFailure;

  SearchableWait(ApiClient api, PrintWriter log) {
    this.api = api;
    this.log = log;
  }

  /** One restricted search and the number of hits it must return. */
  private record Check(SimilarityRun run, List<String> sampleIds, int expectedHits) {
  }

  /** @param deadline a {@link System#nanoTime()} value */
  void await(String dataset, List<ProducedSample> upserted, List<String> deleted, long deadline)
      throws TimeoutException, IOException, InterruptedException, ApiException {
    List<SimilarityRun> runs = null;
    while (runs == null) {
      runs = retryingTransient(() -> runsOf(dataset), deadline, () -> "the runs of '" + dataset + "' could not be listed");
    }
    if (runs.isEmpty()) {
      log.println("dataset '" + dataset + "' has no runs: nothing to wait for in Elasticsearch");
      return;
    }
    List<Check> pending = new ArrayList<>();
    for (SimilarityRun run : runs) {
      pending.addAll(presenceChecks(run, upserted));
      for (int from = 0; from < deleted.size(); from += DOCUMENTS_PER_CHECK) {
        pending.add(new Check(run, deleted.subList(from, Math.min(deleted.size(), from + DOCUMENTS_PER_CHECK)), 0));
      }
    }
    polling:
    while (true) {
      for (Iterator<Check> it = pending.iterator(); it.hasNext(); ) {
        Check check = it.next();
        Integer hits = retryingTransient(() -> hits(check), deadline, () -> describe(pending));
        if (hits == null) {
          continue polling;
        }
        if (hits == check.expectedHits()) {
          it.remove();
        }
      }
      if (pending.isEmpty()) {
        log.println("searchable in " + runs.size() + " run(s): " + runs.stream().map(SimilarityRun::brainKey).toList());
        return;
      }
      checkDeadline(deadline, () -> describe(pending));
      Thread.sleep(POLL.toMillis());
    }
  }

  private interface ApiCall<T> {
    T call() throws IOException, InterruptedException, ApiException, IndexNotCreatedYet;
  }

  /** A run whose index the indexer has still to create (a new run, or one after cleanup): searchable later. */
  private static final class IndexNotCreatedYet extends Exception {
    IndexNotCreatedYet(SimilarityRun run) {
      super("the index of run '" + run.brainKey() + "' does not exist yet", null, false, false);
    }
  }

  /** The call's answer, or null after a transient failure and a pause (the caller tries again). */
  private <T> T retryingTransient(ApiCall<T> call, long deadline, Supplier<String> pendingWork)
      throws TimeoutException, IOException, InterruptedException, ApiException {
    try {
      T answer = call.call();
      if (transientFailure != null) {
        log.println("the query API answers again");
        transientFailure = null;
      }
      return answer;
    } catch (ApiException e) {
      if (e.isClientError() && e.status() != 429) {
        throw e;
      }
      noteTransient(e.getMessage());
    } catch (IOException | IndexNotCreatedYet e) {
      noteTransient(e.getMessage());
    }
    checkDeadline(deadline, pendingWork);
    Thread.sleep(POLL.toMillis());
    return null;
  }

  private void noteTransient(String failure) {
    if (transientFailure == null) {
      log.println("--wait: " + failure + "; trying again until --wait-timeout");
    }
    transientFailure = failure;
  }

  /** @param pendingWork what is still missing, described only when the wait gives up */
  private void checkDeadline(long deadline, Supplier<String> pendingWork) throws TimeoutException {
    if (System.nanoTime() > deadline) {
      throw new TimeoutException(pendingWork.get() + (transientFailure == null ? "" : "\nlast failure: " + transientFailure));
    }
  }

  private List<SimilarityRun> runsOf(String dataset) throws IOException, InterruptedException, ApiException {
    JsonNode answer = api.get("/v1/similarity?dataset=" + ApiClient.segment(dataset));
    List<SimilarityRun> runs = new ArrayList<>();
    for (JsonNode run : answer.path("runs")) {
      runs.add(Json.MAPPER.treeToValue(run, SimilarityRun.class));
    }
    return runs;
  }

  /** Groups the sent samples into searches of at most DOCUMENTS_PER_CHECK expected documents. */
  private static List<Check> presenceChecks(SimilarityRun run, List<ProducedSample> upserted) {
    List<Check> checks = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    int documents = 0;
    for (ProducedSample sample : upserted) {
      int expected = sample.expectedDocuments(run);
      if (expected == 0) {
        continue;
      }
      if (!ids.isEmpty() && documents + expected > DOCUMENTS_PER_CHECK) {
        checks.add(new Check(run, ids, documents));
        ids = new ArrayList<>();
        documents = 0;
      }
      ids.add(sample.sampleId());
      documents += expected;
    }
    if (!ids.isEmpty()) {
      checks.add(new Check(run, ids, documents));
    }
    return checks;
  }

  /** Hits of a search restricted to the check's samples; one more than expected is asked for, so extras show. */
  private int hits(Check check) throws IOException, InterruptedException, ApiException, IndexNotCreatedYet {
    float[] query = new float[check.run().dims()];
    Arrays.fill(query, 1f);
    int k = check.expectedHits() == 0 ? check.sampleIds().size() : check.expectedHits() + 1;
    String run = "/v1/datasets/" + ApiClient.segment(check.run().dataset()) + "/similarity/"
        + ApiClient.segment(check.run().brainKey());
    JsonNode answer;
    try {
      answer = api.post(run + "/sort-by-similarity", Map.of("vector", query, "restrictIds", check.sampleIds(), "k", k));
    } catch (ApiException e) {
      // A 404 for a run that still exists is its missing index; the run's info says which, a message would not.
      if (e.status() == 404 && !indexExists(run)) {
        throw new IndexNotCreatedYet(check.run());
      }
      throw e;
    }
    return answer.path("hits").size();
  }

  /**
   * False for a run that exists without its index, and while its info cannot be had (tried again);
   * a run that is gone (404) ends the wait with the search's 404.
   */
  private boolean indexExists(String run) throws InterruptedException {
    try {
      return api.get(run).path("indexExists").asBoolean(true);
    } catch (ApiException e) {
      return e.status() == 404;
    } catch (IOException unreachable) {
      return false;
    }
  }

  private static String describe(List<Check> pending) {
    StringBuilder message = new StringBuilder("not everything is searchable yet:");
    for (Check check : pending.subList(0, Math.min(5, pending.size()))) {
      message.append("\n  run '").append(check.run().brainKey()).append("': ")
          .append(check.expectedHits() == 0 ? "deleted samples still found among " : "expected " + check.expectedHits()
              + " document(s) for ").append(check.sampleIds().size()).append(" sample(s), e.g. ")
          .append(check.sampleIds().subList(0, Math.min(3, check.sampleIds().size())));
    }
    if (pending.size() > 5) {
      message.append("\n  ... and ").append(pending.size() - 5).append(" more check(s)");
    }
    return message.append("\nevents the indexer could not index go to the dead-letter topic with the reason").toString();
  }
}
