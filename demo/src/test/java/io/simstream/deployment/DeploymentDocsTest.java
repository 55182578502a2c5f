package io.simstream.deployment;

import static io.simstream.deployment.RenderedChart.at;
import static io.simstream.deployment.RenderedChart.listAt;
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
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

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

  @Test
  void composeDocsReachKafkaAndTheImagesTheWayComposePublishesThem() throws IOException {
    Map<String, Object> compose = new Yaml(new SafeConstructor(new LoaderOptions()))
        .load(Files.readString(ROOT.resolve("docker-compose.yml")));
    // What the broker tells host clients to connect to, and that this port is published on the host.
    Matcher external = Pattern.compile("EXTERNAL://([^,]+)")
        .matcher(String.valueOf(at(compose, "services.kafka.environment.KAFKA_ADVERTISED_LISTENERS")));
    assertThat(external.find()).isTrue();
    String hostBootstrap = external.group(1);
    String port = hostBootstrap.substring(hostBootstrap.lastIndexOf(':') + 1);
    assertThat(listAt(compose, "services.kafka.ports")).anyMatch(p -> String.valueOf(p).endsWith(":" + port + ":" + port));

    String deployment = section(Files.readString(ROOT.resolve("docs/deployment.md")), "## Docker Compose");
    String readme = Files.readString(ROOT.resolve("clients/python/README.md"));
    for (String text : List.of(deployment, readme)) {
      List<String> bootstraps = matches(text, "--kafka (\\S+)|bootstrap_servers=\"([^\"]+)\"");
      assertThat(bootstraps).isNotEmpty().allMatch(hostBootstrap::equals);
    }
    assertThat(Files.readString(ROOT.resolve("docs/cli.md"))).contains("--kafka " + hostBootstrap);

    // A folder's file: URIs must name paths the indexer (embedding) and the query API (thumbnails) can open:
    // the compose override of the docs mounts the host folder, and --uri-base points below that mount.
    Matcher override = Pattern.compile("(?s)```yaml\\n(services:.*?)```").matcher(deployment);
    assertThat(override.find()).as("a compose override in the Compose section").isTrue();
    Map<String, Object> services = new Yaml(new SafeConstructor(new LoaderOptions())).load(override.group(1));
    List<String> uriBases = matches(deployment, "--uri-base file://(/\\S+)");
    assertThat(uriBases).isNotEmpty();
    for (String service : List.of("indexer", "query-api")) {
      List<String> targets = listAt(services, "services." + service + ".volumes").stream()
          .map(volume -> String.valueOf(volume).split(":")[1]).toList();
      for (String base : uriBases) {
        assertThat(targets).as(service + " mounts " + base).anyMatch(target -> base.startsWith(target + "/"));
      }
    }
  }

  private static String section(String markdown, String heading) {
    int start = markdown.indexOf("\n" + heading + "\n");
    assertThat(start).as(heading).isNotNegative();
    int end = markdown.indexOf("\n## ", start + 1);
    return markdown.substring(start, end < 0 ? markdown.length() : end);
  }

  /** The first non-null group of every match. */
  private static List<String> matches(String text, String regex) {
    List<String> found = new ArrayList<>();
    Matcher m = Pattern.compile(regex).matcher(text);
    while (m.find()) {
      for (int g = 1; g <= m.groupCount(); g++) {
        if (m.group(g) != null) {
          found.add(m.group(g));
          break;
        }
      }
    }
    return found;
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
