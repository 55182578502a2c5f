package io.simstream.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.simstream.config.ConfigException;
import io.simstream.config.SimstreamConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmbedderRegistryTest {

  @Test
  void opensTheBundledModelOnceAndSharesIt() {
    try (EmbedderRegistry registry = EmbedderRegistry.from(SimstreamConfig.load(Map.of("SIMSTREAM_EMBEDDING_ENGINE", "cpu")))) {
      Embedder first = registry.find(ModelCatalog.MOBILENET_V2_NSFWJS).orElseThrow();
      assertThat(first.dimensions()).isEqualTo(1280);
      assertThat(first.engineName()).isEqualTo("OnnxRuntime");
      assertThat(registry.find(ModelCatalog.MOBILENET_V2_NSFWJS)).containsSame(first);
    }
  }

  @Test
  void unknownModelsAndClipWithoutFilesAreAbsent() {
    try (EmbedderRegistry registry = EmbedderRegistry.from(SimstreamConfig.load(Map.of()))) {
      assertThat(registry.find("resnet-9000")).isEmpty();
      assertThat(registry.find(ModelCatalog.CLIP_ONNX)).isEmpty();
    }
  }

  @Test
  void anUnknownEngineIsAConfigurationError() {
    assertThatThrownBy(() -> SimstreamConfig.load(Map.of("SIMSTREAM_EMBEDDING_ENGINE", "tpu")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("SIMSTREAM_EMBEDDING_ENGINE")
        .hasMessageContaining("[auto, cpu, tensorrt]");
  }

  /** The query API embeds one input per request: its towers are built for that, the indexer's for its batches. */
  @Test
  void theQueryApisModelsAreBuiltForOneInputTheIndexersForItsBatches() {
    SimstreamConfig config = SimstreamConfig.load(Map.of("SIMSTREAM_INDEXER_EMBED_BATCH_SIZE", "32"));
    try (EmbedderRegistry indexer = EmbedderRegistry.from(config);
         EmbedderRegistry queries = EmbedderRegistry.forSingleQueries(config)) {
      assertThat(indexer.base().batchSize()).isEqualTo(32);
      assertThat(queries.base().batchSize()).isEqualTo(1);
    }
  }
}
