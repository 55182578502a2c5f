package io.simstream.api.sample;

import io.simstream.config.KafkaClientProperties;
import io.simstream.event.ChangeEvent;
import io.simstream.event.ChangeEventCodec;
import io.simstream.event.InvalidEventException;
import io.simstream.event.SampleKey;
import io.simstream.event.SampleUpsert;
import io.simstream.kafka.CompactedTopicView;
import io.simstream.kafka.Topic;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Sample summaries read from the change topic by a background consumer. The index documents hold
 * only ids and vectors, and the indexer's own sample state (its store's changelog) carries every
 * vector and is internal to it; the change topic is the one public record of image URIs and boxes.
 * It is read from the beginning, so a sample whose last event has passed the topic's retention is
 * not found. Memory: one summary (image URI and boxes, no vectors) per sample ever produced.
 */
public final class ChangeTopicSampleCatalog implements SampleCatalog, AutoCloseable {
  /** How long a lookup of an unknown sample waits for the view to read what was produced before it. */
  private static final Duration CATCH_UP = Duration.ofSeconds(2);

  private final CompactedTopicView<Entry> view;

  /** The latest event's state; {@code sample} null once the sample is deleted (the view holds no nulls). */
  private record Entry(SampleSummary sample) {
  }

  public ChangeTopicSampleCatalog(KafkaClientProperties kafka, String changesTopic) {
    this.view = new CompactedTopicView<>(kafka, new Topic<>(changesTopic, Serdes.String(), ENTRY_SERDE));
  }

  @Override
  public Map<String, SampleSummary> find(String dataset, Collection<String> sampleIds) {
    Map<String, SampleSummary> found = lookUp(dataset, sampleIds);
    if (found.size() < new HashSet<>(sampleIds).size()) {
      try {
        view.awaitCaughtUp(CATCH_UP); // the missing ones may have been produced a moment ago
      } catch (TimeoutException | RuntimeException e) {
        return found; // still reading a long topic: the rest is unknown for now
      }
      found = lookUp(dataset, sampleIds);
    }
    return found;
  }

  private Map<String, SampleSummary> lookUp(String dataset, Collection<String> sampleIds) {
    Map<String, SampleSummary> found = new LinkedHashMap<>();
    for (String sampleId : sampleIds) {
      view.get(new SampleKey(dataset, sampleId).toString()).map(Entry::sample)
          .ifPresent(sample -> found.put(sampleId, sample));
    }
    return found;
  }

  @Override
  public void close() {
    view.close();
  }

  private static Entry entryOf(ChangeEvent event) {
    if (!event.problems().isEmpty()) {
      // The indexer dead-letters it, so it changes nothing there either.
      throw new IllegalArgumentException("invalid event: " + event.problems());
    }
    if (!(event instanceof SampleUpsert upsert)) {
      return new Entry(null);
    }
    return new Entry(new SampleSummary(upsert.sampleId(), upsert.imageUri(), upsert.patches().stream()
        .map(p -> new SampleSummary.PatchBox(p.labelId(), p.field(), p.label(), p.boundingBox())).toList()));
  }

  private static final Serde<Entry> ENTRY_SERDE = Serdes.serdeFrom(
      (Serializer<Entry>) (topic, entry) -> {
        throw new UnsupportedOperationException("the catalog only reads");
      },
      (Deserializer<Entry>) (topic, bytes) -> {
        try {
          return entryOf(ChangeEventCodec.decode(bytes));
        } catch (InvalidEventException e) {
          throw new IllegalArgumentException(e.getMessage(), e); // the view skips and logs it
        }
      });
}
