package io.simstream.indexer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shipped class list must follow the code: a renamed class leaves a stale line that the archive skips. */
class IndexerClassListTest {

  @Test
  void everySimstreamClassInTheListExistsAndTheStartPathIsCovered() throws IOException {
    List<String> classes = classNames();
    assertThat(classes).as("the start path: main class, Kafka Streams, the Elasticsearch client")
        .contains("io/simstream/indexer/IndexerMain", "io/simstream/indexer/Indexer",
            "org/apache/kafka/streams/KafkaStreams", "co/elastic/clients/elasticsearch/ElasticsearchClient");
    List<String> missing = new ArrayList<>();
    for (String name : classes) {
      if (name.startsWith("io/simstream/") && !exists(name.replace('/', '.'))) {
        missing.add(name);
      }
    }
    assertThat(missing).as("classes in %s that the code no longer has: refresh the list (docs/indexer.md)",
        IndexerMain.CLASS_LIST_RESOURCE).isEmpty();
  }

  /** Class names of the list's plain lines (comments and @lambda lines left out). */
  private static List<String> classNames() throws IOException {
    List<String> names = new ArrayList<>();
    try (InputStream in = IndexerMain.class.getResourceAsStream(IndexerMain.CLASS_LIST_RESOURCE)) {
      assertThat(in).as("resource %s", IndexerMain.CLASS_LIST_RESOURCE).isNotNull();
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (!line.isBlank() && !line.startsWith("#") && !line.startsWith("@")) {
          names.add(line.split(" ", 2)[0]);
        }
      }
    }
    return names;
  }

  private static boolean exists(String className) {
    try {
      Class.forName(className, false, IndexerClassListTest.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
