package io.simstream.cli.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.simstream.json.Json;
import java.io.IOException;
import java.io.PrintWriter;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code --json}: print the API's answer as it came instead of a table, for scripts. */
public final class OutputOptions {
  @Option(names = "--json", scope = ScopeType.INHERIT, description = "Print the API's JSON answer instead of a table")
  boolean json;

  public boolean json() {
    return json;
  }

  public void printJson(PrintWriter out, JsonNode answer) throws IOException {
    out.println(Json.MAPPER.writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(answer));
    out.flush();
  }
}
