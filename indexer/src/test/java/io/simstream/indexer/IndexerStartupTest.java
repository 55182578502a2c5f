package io.simstream.indexer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.simstream.config.Settings;
import io.simstream.config.SimstreamConfig;
import io.simstream.indexer.embed.EmbedderProvider;
import java.net.ServerSocket;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class IndexerStartupTest {
  @Test
  void aTakenAdminPortFailsTheStartBeforeAnythingElseIsStarted() throws Exception {
    Set<String> before = threadNames();
    try (ServerSocket taken = new ServerSocket(0)) {
      // Unreachable servers: reaching them would mean the start went past the admin port.
      SimstreamConfig config = SimstreamConfig.load(Map.of()).with(Map.of(
          Settings.INDEXER_ADMIN_PORT, String.valueOf(taken.getLocalPort()),
          Settings.KAFKA_BOOTSTRAP_SERVERS, "127.0.0.1:1",
          Settings.ES_HOSTS, "http://127.0.0.1:1"));

      assertThatThrownBy(() -> Indexer.start(config, EmbedderProvider.none()))
          .hasMessageContaining("cannot start the indexer");
    }
    assertThat(threadNames()).as("no thread of the failed start is left").isSubsetOf(before);
  }

  private static Set<String> threadNames() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
        .collect(Collectors.toSet());
  }
}
