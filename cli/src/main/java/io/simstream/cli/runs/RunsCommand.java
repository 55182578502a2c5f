package io.simstream.cli.runs;

import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.cli.ConnectionOptions;
import io.simstream.cli.ExitCode;
import io.simstream.cli.http.ApiClient;
import io.simstream.cli.output.OutputOptions;
import io.simstream.cli.output.Table;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code simstream runs}: similarity runs through the query API (docs/api.md, Runs). */
@Command(name = "runs", mixinStandardHelpOptions = true, description = "Create, list, show and delete similarity runs.")
public final class RunsCommand {
  @Spec
  CommandSpec spec;

  @Mixin
  ConnectionOptions connection;

  @Mixin
  OutputOptions output;

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a run (and its index).")
  int create(@Parameters(index = "0", paramLabel = "DATASET") String dataset,
             @Parameters(index = "1", paramLabel = "BRAIN_KEY") String brainKey,
             @Option(names = "--model", description = "precomputed (default) or an embedding model") String model,
             @Option(names = "--metric", description = "cosine, dotproduct, euclidean or innerproduct") String metric,
             @Option(names = "--dims", description = "Vector size (required for a new index of precomputed vectors)")
             Integer dims,
             @Option(names = "--patches-field", description = "Index the patches of this label field") String patchesField,
             @Option(names = "--index-name", description = "Elasticsearch index to create or connect to") String indexName,
             @Option(names = "--index-options", description = "e.g. int8_flat (default), int8_hnsw, hnsw")
             String indexOptions,
             @Option(names = "--shards", description = "Primary shards of a new index (default: an index template's,"
                 + " else 1)") Integer shards,
             @Option(names = "--replicas", description = "Replicas of a new index (default: 1 where a second node can"
                 + " hold them, 0 on a single node)") Integer replicas) throws Exception {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("brainKey", brainKey);
    putIfSet(body, "model", model);
    putIfSet(body, "metric", metric);
    putIfSet(body, "dims", dims);
    putIfSet(body, "patchesField", patchesField);
    putIfSet(body, "indexName", indexName);
    putIfSet(body, "indexOptions", indexOptions);
    putIfSet(body, "shards", shards);
    putIfSet(body, "replicas", replicas);
    JsonNode answer = api().post(runsPath(dataset), body);
    if (output.json()) {
      output.printJson(out(), answer);
    } else {
      runTable().row(rowOf(answer.path("run"))).print(out());
      out().println(answer.path("indexCreated").asBoolean() ? "index created" : "connected to the existing index");
    }
    return ExitCode.OK;
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List runs.")
  int list(@Option(names = "--dataset", description = "Only the runs of this dataset") String dataset) throws Exception {
    JsonNode answer = api().get("/v1/similarity" + (dataset == null ? "" : "?dataset=" + ApiClient.segment(dataset)));
    if (output.json()) {
      output.printJson(out(), answer);
    } else {
      Table table = runTable();
      answer.path("runs").forEach(run -> table.row(rowOf(run)));
      table.print(out());
    }
    return ExitCode.OK;
  }

  @Command(name = "info", mixinStandardHelpOptions = true, description = "Show a run and the size of its index.")
  int info(@Parameters(index = "0", paramLabel = "DATASET") String dataset,
           @Parameters(index = "1", paramLabel = "BRAIN_KEY") String brainKey) throws Exception {
    JsonNode run = api().get(runPath(dataset, brainKey));
    if (output.json()) {
      output.printJson(out(), run);
    } else {
      Table table = new Table("field", "value");
      run.fields().forEachRemaining(field -> table.row(field.getKey(), field.getValue().asText()));
      table.print(out());
    }
    return ExitCode.OK;
  }

  @Command(name = "delete", mixinStandardHelpOptions = true,
      description = "Delete a run's record; its index is kept unless --cleanup.")
  int delete(@Parameters(index = "0", paramLabel = "DATASET") String dataset,
             @Parameters(index = "1", paramLabel = "BRAIN_KEY") String brainKey,
             @Option(names = "--cleanup", description = "Delete the run's Elasticsearch index too") boolean cleanup)
      throws Exception {
    ApiClient api = api();
    // One request: the API removes the record before the index, so the indexer cannot create the index again.
    JsonNode deleted = api.delete(runPath(dataset, brainKey) + (cleanup ? "?cleanup=true" : ""));
    out().println("run " + dataset + "/" + brainKey + " deleted");
    if (cleanup) {
      out().println("index " + deleted.path("indexName").asText() + (deleted.path("deleted").asBoolean()
          ? " deleted" : " did not exist"));
    }
    return ExitCode.OK;
  }

  private ApiClient api() {
    return connection.apiClient(connection.config());
  }

  private PrintWriter out() {
    return spec.commandLine().getOut();
  }

  private static String runsPath(String dataset) {
    return "/v1/datasets/" + ApiClient.segment(dataset) + "/similarity";
  }

  private static String runPath(String dataset, String brainKey) {
    return runsPath(dataset) + "/" + ApiClient.segment(brainKey);
  }

  private static void putIfSet(Map<String, Object> body, String field, Object value) {
    if (value != null) {
      body.put(field, value);
    }
  }

  private static Table runTable() {
    return new Table("dataset", "brainKey", "model", "metric", "dims", "patchesField", "indexOptions", "indexName");
  }

  private static Object[] rowOf(JsonNode run) {
    return new Object[] {run.path("dataset").asText(), run.path("brainKey").asText(), run.path("model").asText(),
        run.path("metric").asText(), run.path("dims").asText(), run.path("patchesField").asText(""),
        run.path("indexOptions").asText(), run.path("indexName").asText()};
  }
}
