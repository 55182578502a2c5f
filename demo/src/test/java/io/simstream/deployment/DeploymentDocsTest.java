package io.simstream.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What the deployment docs tell operators to run, checked against the files it must agree with (no Docker here). */
class DeploymentDocsTest {
  private static final Path ROOT = RenderedChart.chartDirectory().getParent().getParent();
  private static final Pattern DOCKERFILE_BLOCK = Pattern.compile("(?s)```dockerfile\\n(.*?)```");

  @Test
  void dockerfilesHaveCommentsOnlyOnTheirOwnLines() throws IOException {
    Map<String, String> dockerfiles = new TreeMap<>();
    try (Stream<Path> files = Files.list(ROOT.resolve("deploy"))) {
      for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".Dockerfile")).toList()) {
        dockerfiles.put(ROOT.relativize(file).toString(), Files.readString(file));
      }
    }
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      for (Path doc : docs.filter(f -> f.toString().endsWith(".md")).toList()) {
        Matcher block = DOCKERFILE_BLOCK.matcher(Files.readString(doc));
        for (int i = 1; block.find(); i++) {
          dockerfiles.put(ROOT.relativize(doc) + " dockerfile block " + i, block.group(1));
        }
      }
    }
    assertThat(dockerfiles).containsKeys("deploy/indexer.Dockerfile", "docs/deployment.md dockerfile block 1");
    dockerfiles.forEach((name, text) -> assertThat(misplacedComments(text)).as(name).isEmpty());
  }

  /**
   * Instructions with a `#` after their first word. Docker reads `#` as a comment only at the start of a line;
   * after FROM, COPY, ENV or EXPOSE it is one more argument, and the build fails. RUN is left out: its shell
   * reads `#` as a comment.
   */
  static List<String> misplacedComments(String dockerfile) {
    List<String> misplaced = new ArrayList<>();
    String joined = dockerfile.replaceAll("\\\\\\n", " ");
    for (String line : joined.split("\\n")) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.regionMatches(true, 0, "RUN ", 0, 4)) {
        continue;
      }
      if (Pattern.compile("\\s#").matcher(trimmed).find()) {
        misplaced.add(trimmed);
      }
    }
    return misplaced;
  }
}
