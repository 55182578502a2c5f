package io.simstream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimstreamConfigTest {

  @Test
  void defaultsApplyWhenNothingIsSet() {
    SimstreamConfig config = SimstreamConfig.load(Map.of());
    assertThat(config.get(Settings.ES_HOSTS)).isEqualTo("http://localhost:9200");
    assertThat(config.get(Settings.API_PORT)).isEqualTo(8080);
    assertThat(config.sourceOf(Settings.API_PORT)).isEqualTo("default");
  }

  @Test
  void environmentBeatsFileWhichBeatsDefault(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("simstream.properties");
    Files.writeString(file, "es.hosts=http://from-file:9200\napi.port=9000\n");
    SimstreamConfig config = SimstreamConfig.load(Map.of(
        Settings.CONFIG_FILE_ENV, file.toString(),
        "SIMSTREAM_API_PORT", "7000"));
    assertThat(config.get(Settings.API_PORT)).isEqualTo(7000);
    assertThat(config.sourceOf(Settings.API_PORT)).isEqualTo("environment");
    assertThat(config.get(Settings.ES_HOSTS)).isEqualTo("http://from-file:9200");
    assertThat(config.sourceOf(Settings.ES_HOSTS)).startsWith("file ");
  }

  @Test
  void everyProblemIsReportedTogetherWithTheVariableName(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.properties");
    Files.writeString(file, "es.hostz=typo\n");
    assertThatThrownBy(() -> SimstreamConfig.load(Map.of(
        Settings.CONFIG_FILE_ENV, file.toString(),
        "SIMSTREAM_API_PORT", "eighty",
        "SIMSTREAM_INDEXER_BATCH_SIZE", "0")))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(3)
            .anySatisfy(p -> assertThat(p).contains("SIMSTREAM_API_PORT").contains("eighty"))
            .anySatisfy(p -> assertThat(p).contains("SIMSTREAM_INDEXER_BATCH_SIZE").contains("[1, 100000]"))
            .anySatisfy(p -> assertThat(p).contains("unknown key 'es.hostz'")));
  }

  @Test
  void aMissingFileIsAProblemNotASilentDefault() {
    assertThatThrownBy(() -> SimstreamConfig.load(Map.of(Settings.CONFIG_FILE_ENV, "/no/such/file")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("/no/such/file");
  }

  @Test
  void overridesAreValidatedToo() {
    SimstreamConfig config = SimstreamConfig.load(Map.of());
    assertThat(config.with(Map.of(Settings.API_PORT, "0")).get(Settings.API_PORT)).isZero();
    assertThatThrownBy(() -> config.with(Map.of(Settings.API_PORT, "-1"))).isInstanceOf(ConfigException.class);
  }

  @Test
  void settingsHaveDistinctKeysAndEnvironmentNames() {
    Set<String> envNames = new HashSet<>();
    for (Setting<?> setting : Settings.ALL) {
      assertThat(envNames.add(setting.envName())).as(setting.key()).isTrue();
      assertThat(setting.envName()).matches("SIMSTREAM_[A-Z0-9_]+");
    }
    assertThat(Settings.ES_API_KEY.envName()).isEqualTo("SIMSTREAM_ES_API_KEY");
  }
}
