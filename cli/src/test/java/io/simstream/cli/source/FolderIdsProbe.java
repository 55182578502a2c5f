package io.simstream.cli.source;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Run in a child JVM by {@link FolderSourceTest}: writes, in UTF-8 whatever the locale, the file-name
 * charset, then the ids a {@link FolderSource} of args[0] reads (or its bad-input message) to args[1].
 */
public final class FolderIdsProbe {
  private FolderIdsProbe() {
  }

  public static void main(String[] args) throws Exception {
    List<String> lines = new ArrayList<>();
    lines.add(System.getProperty("sun.jnu.encoding"));
    try {
      new FolderSource(Path.of(args[0]), FolderSource.DEFAULT_EXTENSIONS, null)
          .<RuntimeException>read(sample -> lines.add(sample.sampleId()));
    } catch (BadInputException e) {
      lines.add("bad input: " + e.getMessage());
    }
    Files.write(Path.of(args[1]), lines, StandardCharsets.UTF_8);
  }
}
