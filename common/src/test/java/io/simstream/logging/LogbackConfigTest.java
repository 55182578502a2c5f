package io.simstream.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.config.Settings;
import io.simstream.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the services' logback.xml (common/src/main/resources) as a service does: in a fresh JVM that finds it on the
 * classpath and reads the SIMSTREAM_LOG_* variables from its environment.
 */
class LogbackConfigTest {
  private static final String LEVELS_PREFIX = "effective levels: ";

  @Test
  void defaultsAreInfoAsTextWithKafkaAtWarn(@TempDir Path dir) throws Exception {
    List<String> lines = runProbe(Map.of(), dir);

    assertThat(lines).contains(LEVELS_PREFIX + "root=" + Level.toLevel(Settings.LOG_LEVEL.defaultValue())
        + " kafka=" + Level.toLevel(Settings.LOG_LEVEL_KAFKA.defaultValue()));
    List<String> events = events(lines);
    assertThat(events).noneMatch(line -> line.startsWith("{"))
        .anyMatch(line -> line.contains(" INFO ") && line.contains("probe info 42"))
        .anyMatch(line -> line.contains(" WARN ") && line.contains("kafka warn"))
        .noneMatch(line -> line.contains("probe debug"))
        .noneMatch(line -> line.contains("kafka info"));
    assertThat(lines).as("logback reports no problem with its configuration")
        .noneMatch(line -> line.contains("|-WARN") || line.contains("|-ERROR"));
  }

  @Test
  void jsonFormatWritesOneJsonObjectPerLineAtTheLevelsOfTheEnvironment(@TempDir Path dir) throws Exception {
    List<String> lines = runProbe(Map.of(Settings.LOG_FORMAT.envName(), "json",
        Settings.LOG_LEVEL.envName(), "debug", Settings.LOG_LEVEL_KAFKA.envName(), "INFO"), dir);

    assertThat(lines).contains(LEVELS_PREFIX + "root=DEBUG kafka=INFO");
    List<JsonNode> events = events(lines).stream().map(LogbackConfigTest::parseJson).toList();
    assertThat(events).isNotEmpty().allSatisfy(event -> {
      assertThat(event.path("level").asText()).isNotEmpty();
      assertThat(event.path("loggerName").asText()).isNotEmpty();
      assertThat(event.path("timestamp").isNumber()).isTrue();
    });
    assertThat(events).anySatisfy(event -> {
      assertThat(event.path("level").asText()).isEqualTo("DEBUG");
      assertThat(event.path("formattedMessage").asText()).isEqualTo("probe debug 1");
    }).anySatisfy(event -> {
      assertThat(event.path("loggerName").asText()).startsWith("org.apache.kafka");
      assertThat(event.path("formattedMessage").asText()).isEqualTo("kafka info");
    }).anySatisfy(event -> {
      assertThat(event.path("formattedMessage").asText()).isEqualTo("probe failure \"quoted\"");
      assertThat(event.path("throwable").path("className").asText()).isEqualTo(IllegalStateException.class.getName());
      assertThat(event.path("throwable").path("message").asText()).isEqualTo("boom");
    });
  }

  @Test
  void theLevelVariableSilencesLowerLevels(@TempDir Path dir) throws Exception {
    List<String> events = events(runProbe(Map.of(Settings.LOG_LEVEL.envName(), "WARN"), dir));

    assertThat(events).noneMatch(line -> line.contains("probe info"))
        .anyMatch(line -> line.contains(" WARN ") && line.contains("probe failure"));
  }

  /** Lines of the log events, without the probe's own report line and stack trace lines. */
  private static List<String> events(List<String> lines) {
    return lines.stream().filter(line -> !line.isBlank() && !line.startsWith(LEVELS_PREFIX)
        && !line.startsWith("\t") && !line.startsWith(IllegalStateException.class.getName())).toList();
  }

  private static JsonNode parseJson(String line) {
    try {
      return Json.MAPPER.readTree(line);
    } catch (IOException e) {
      throw new AssertionError("not a JSON line: " + line, e);
    }
  }

  private static List<String> runProbe(Map<String, String> env, Path dir) throws Exception {
    Path output = dir.resolve("probe.log");
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Probe.class.getName())
        .redirectErrorStream(true).redirectOutput(output.toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("SIMSTREAM_"));
    builder.environment().putAll(env);
    Process process = builder.start();
    // Generous: a JVM start on a loaded two-core machine.
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("probe JVM exits").isTrue();
    List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as("probe exit status; output:\n%s", String.join("\n", lines)).isZero();
    return lines;
  }

  /** The child JVM: logs through the configuration logback finds on the classpath, as a service does. */
  static final class Probe {
    public static void main(String[] args) {
      Logger simstream = LoggerFactory.getLogger("io.simstream.probe");
      Logger kafka = LoggerFactory.getLogger("org.apache.kafka.clients.probe");
      LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
      System.out.println(LEVELS_PREFIX + "root=" + context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getLevel()
          + " kafka=" + context.getLogger("org.apache.kafka").getLevel());
      simstream.debug("probe debug {}", 1);
      simstream.info("probe info {}", 42);
      simstream.warn("probe failure \"quoted\"", new IllegalStateException("boom"));
      kafka.info("kafka info");
      kafka.warn("kafka warn");
      context.stop();
    }
  }
}
