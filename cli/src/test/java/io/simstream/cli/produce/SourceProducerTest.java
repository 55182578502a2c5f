package io.simstream.cli.produce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.simstream.cli.source.BadInputException;
import io.simstream.cli.source.SourceSample;
import io.simstream.event.ChangeEventCodec;
import io.simstream.event.SampleAdded;
import io.simstream.kafka.ChangeEventProducer;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SourceProducerTest {
  private static SampleAdded event(String imageUri, float[] vector) {
    return (SampleAdded) new SourceSample("s1", imageUri, vector == null ? null : Map.of("clip", vector), null, null,
        "m.jsonl line 3").toEvent("pets", false, Instant.EPOCH);
  }

  @Test
  void anEventOverTheChangeTopicsLimitIsBadInputAtItsLine() {
    // A 300,000-float vector is written as text of well over 1 MiB; Kafka would refuse it without saying where.
    float[] huge = new float[300_000];
    java.util.Arrays.fill(huge, 0.123456f);

    assertThatThrownBy(() -> SourceProducer.checkedEvent(event(null, huge), "m.jsonl line 3"))
        .isInstanceOf(BadInputException.class)
        .hasMessageStartingWith("m.jsonl line 3: the event is ")
        .hasMessageContaining("over the change topic's limit of " + String.format("%,d", ChangeEventProducer.MAX_EVENT_BYTES));
  }

  @Test
  void anImageUriTheIndexerCouldNeverOpenIsBadInputAtItsLine() {
    assertThatThrownBy(() -> SourceProducer.checkedEvent(event("https://img.example.com/my cat.jpg", null),
        "m.jsonl line 3"))
        .isInstanceOf(BadInputException.class)
        .hasMessageStartingWith("m.jsonl line 3: imageUri is neither a URI nor a path: ")
        .hasMessageContaining("Illegal character");
  }

  @Test
  void aGoodEventIsSentAsEncoded() throws Exception {
    SampleAdded good = event("https://img.example.com/my%20cat.jpg", new float[] {1, 0});

    assertThat(SourceProducer.checkedEvent(good, "m.jsonl line 3")).isEqualTo(ChangeEventCodec.encode(good));
  }
}
