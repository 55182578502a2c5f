package io.simstream.bench;

import io.simstream.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine-readable record of a run: every figure of every case, as JSON. */
final class ResultsWriter {
  private ResultsWriter() {
  }

  static Path write(BenchReport report, Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), report);
    return file;
  }
}
