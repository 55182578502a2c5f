package io.simstream.cli.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.cli.ConnectionOptions;
import io.simstream.cli.ExitCode;
import io.simstream.cli.http.ApiClient;
import io.simstream.cli.output.OutputOptions;
import io.simstream.cli.output.Table;
import io.simstream.cli.source.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code simstream query}: sort by similarity through the query API. */
@Command(name = "query", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Find the samples (or patches) most similar to a sample, a vector, an image or a text prompt.")
public final class QueryCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  ConnectionOptions connection;

  @Mixin
  OutputOptions output;

  @Parameters(index = "0", paramLabel = "DATASET")
  String dataset;

  @Parameters(index = "1", paramLabel = "BRAIN_KEY")
  String brainKey;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Query query;

  /** Exactly one query. */
  static final class Query {
    @Option(names = "--id", paramLabel = "ID",
        description = "A sample id (a label id on a patch run); repeat for the mean of several")
    List<String> ids;

    @Option(names = "--vector", split = ",", paramLabel = "X", description = "A vector, comma separated")
    float[] vector;

    @Option(names = "--image", paramLabel = "FILE",
        description = "An image file, embedded by the run's model in the query API (model runs)")
    Path image;

    @Option(names = "--text", paramLabel = "PROMPT", description = "A text prompt (runs whose model has a text tower)")
    String text;
  }

  @Option(names = "-k", description = "Number of results, 1..10000 (default: ${DEFAULT-VALUE})")
  int k = 10;

  @Option(names = "--reverse", description = "Least similar first")
  boolean reverse;

  @Option(names = "--restrict-id", paramLabel = "ID", description = "Search only these sample ids (repeatable)")
  List<String> restrictIds;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> body = new LinkedHashMap<>();
    if (query.ids != null) {
      body.put(query.ids.size() == 1 ? "id" : "ids", query.ids.size() == 1 ? query.ids.get(0) : query.ids);
    } else if (query.vector != null) {
      body.put("vector", query.vector);
    } else if (query.image != null) {
      body.put("image", imageBytes(query.image));
    } else {
      body.put("text", query.text);
    }
    body.put("k", k);
    body.put("reverse", reverse);
    if (restrictIds != null) {
      body.put("restrictIds", restrictIds);
    }
    JsonNode answer = connection.apiClient(connection.config()).post("/v1/datasets/" + ApiClient.segment(dataset)
        + "/similarity/" + ApiClient.segment(brainKey) + "/sort-by-similarity", body);
    if (output.json()) {
      output.printJson(spec.commandLine().getOut(), answer);
      return ExitCode.OK;
    }
    Table table = new Table("rank", "id", "sampleId", "distance");
    int rank = 1;
    for (JsonNode hit : answer.path("hits")) {
      // Locale.ROOT: a German default printed 0,183500, which scripts read as another number.
      table.row(rank++, hit.path("id").asText(), hit.path("sampleId").asText(),
          String.format(Locale.ROOT, "%.6f", hit.path("distance").asDouble()));
    }
    table.print(spec.commandLine().getOut());
    return ExitCode.OK;
  }

  /** The file's bytes, sent base64-encoded: the API may run where the file is not. */
  private static byte[] imageBytes(Path file) throws BadInputException {
    if (!Files.isRegularFile(file)) {
      throw new BadInputException("image " + file + (Files.exists(file) ? " is not a file" : " does not exist"));
    }
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new BadInputException("cannot read image " + file + ": " + e.getMessage(), e);
    }
  }
}
