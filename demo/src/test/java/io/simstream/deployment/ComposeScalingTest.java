package io.simstream.deployment;

import static io.simstream.deployment.RenderedChart.at;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * `docker compose up --scale indexer=3` needs an indexer service that every replica can run as it is: no host
 * port, no fixed container name or instance id, and a state directory of its own (no Docker here to run it).
 */
class ComposeScalingTest {

  @Test
  void indexerReplicasShareNothingButTheApplicationId() throws IOException {
    Path file = RenderedChart.chartDirectory().getParent().getParent().resolve("docker-compose.yml");
    Map<String, Object> compose = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
    Object indexer = at(compose, "services.indexer");
    assertThat(RenderedChart.mapAt(compose, "services.indexer")).doesNotContainKeys("ports", "container_name", "hostname");
    assertThat(at(indexer, "environment.SIMSTREAM_INDEXER_APPLICATION_ID")).isEqualTo("simstream-indexer");
    assertThat(RenderedChart.mapAt(indexer, "environment")).doesNotContainKey("SIMSTREAM_INDEXER_INSTANCE_ID");

    String stateDir = (String) at(indexer, "environment.SIMSTREAM_INDEXER_STATE_DIR");
    assertThat(RenderedChart.listAt(indexer, "volumes")).as("only the state directory, as an anonymous volume (one per replica)")
        .containsExactly(Map.of("type", "volume", "target", stateDir));
    assertThat(RenderedChart.mapAt(compose, "volumes")).doesNotContainKey("indexer-state");
  }
}
