package io.simstream.api.sample;

import io.simstream.config.KafkaClientProperties;
import io.simstream.event.BoundingBox;
import io.simstream.event.ChangeEvent;
import io.simstream.event.SampleKey;
import io.simstream.json.Json;
import io.simstream.kafka.CompactedTopicView;
import io.simstream.kafka.Topic;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
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
  record Entry(SampleSummary sample) {
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

  /**
   * The summary an event leaves, or an entry without one for a deletion. Only the fields kept are
   * read: vectors, most of an event's bytes, are skipped unparsed, since parsing them cost the API
   * about as much CPU as the indexer spends decoding the same events. So an event the indexer
   * dead-letters for its vectors alone (wrong size, empty) still updates the summary; the catalog
   * only describes samples a search found, so at worst a hit shows the image of a refused change.
   */
  static Entry entryOf(byte[] bytes) {
    EventFields event;
    try {
      event = Json.MAPPER.readValue(bytes, EventFields.class);
    } catch (IOException e) {
      throw new IllegalArgumentException("unparseable event", e); // the view skips and logs it
    }
    if (event == null || event.dataset() == null || event.sampleId() == null || event.type() == null) {
      throw new IllegalArgumentException("not a change event: dataset, sampleId or type missing");
    }
    return switch (event.type()) {
      case ChangeEvent.SAMPLE_DELETED -> new Entry(null);
      case ChangeEvent.SAMPLE_ADDED, ChangeEvent.SAMPLE_UPDATED -> new Entry(new SampleSummary(event.sampleId(),
          event.imageUri(), event.patches() == null ? List.of() : event.patches().stream()
          .map(p -> new SampleSummary.PatchBox(p.labelId(), p.field(), p.label(), p.boundingBox())).toList()));
      default -> throw new IllegalArgumentException("unknown event type '" + event.type() + "'");
    };
  }

  /** The fields of a change event the catalog keeps; the mapper ignores the rest. */
  private record EventFields(String type, String dataset, String sampleId, String imageUri,
                             List<PatchFields> patches) {
  }

  private record PatchFields(String labelId, String field, String label, BoundingBox boundingBox) {
  }

  private static final Serde<Entry> ENTRY_SERDE = Serdes.serdeFrom(
      (Serializer<Entry>) (topic, entry) -> {
        throw new UnsupportedOperationException("the catalog only reads");
      },
      (Deserializer<Entry>) (topic, bytes) -> entryOf(bytes));
}
