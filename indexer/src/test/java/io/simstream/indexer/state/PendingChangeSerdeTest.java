package io.simstream.indexer.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.simstream.json.Json;
import java.util.Set;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class PendingChangeSerdeTest {
  private final PendingChangeSerde serde = new PendingChangeSerde();

  @Test
  void roundTripsVersionAndRemovedLabels() {
    PendingChange change = new PendingChange(1L << 40, Set.of("l1", "étiquette", ""));

    PendingChange back = serde.deserializer().deserialize("t", serde.serializer().serialize("t", change));

    assertThat(back).isEqualTo(change);
    assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", new PendingChange(7, Set.of()))))
        .isEqualTo(new PendingChange(7, Set.of()));
  }

  @Test
  void readsEntriesEarlierVersionsStoredAsJson() throws Exception {
    PendingChange change = new PendingChange(42, Set.of("l2"));

    assertThat(serde.deserializer().deserialize("t", Json.MAPPER.writeValueAsBytes(change))).isEqualTo(change);
  }

  @Test
  void refusesAnUnknownFormat() {
    assertThatThrownBy(() -> serde.deserializer().deserialize("t", new byte[] {9, 0, 0}))
        .isInstanceOf(SerializationException.class).hasMessageContaining("format 9");
  }
}
