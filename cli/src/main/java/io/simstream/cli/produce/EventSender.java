package io.simstream.cli.produce;

import io.simstream.cli.sync.ListingTopic;
import io.simstream.kafka.ChangeEventProducer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Sends encoded change events and, once the change topic has acknowledged them, records them in
 * the listing. At most {@value #WINDOW} events are unacknowledged at a time: the oldest is awaited
 * when a new one would exceed that, so the producer's pipeline stays full while the count of
 * acknowledged events stays exact.
 */
final class EventSender implements AutoCloseable {
  private static final int WINDOW = 2000;

  private record InFlight(Future<RecordMetadata> ack, String sampleId, String hash) {
  }

  private final String dataset;
  private final ChangeEventProducer changes;
  private final ListingTopic.Writer listing;
  private final Deque<InFlight> window = new ArrayDeque<>();
  /** Highest acknowledged offset per partition of the change topic: what --wait waits for. */
  private final Map<Integer, Long> highestOffsets = new HashMap<>();
  private long acknowledged;

  EventSender(String dataset, ChangeEventProducer changes, ListingTopic.Writer listing) {
    this.dataset = dataset;
    this.changes = changes;
    this.listing = listing;
  }

  /** @param hash the content hash to list, or null for a deletion */
  void send(String key, byte[] event, String sampleId, String hash) throws SendFailedException {
    window.addLast(new InFlight(changes.sendRaw(key, event), sampleId, hash));
    while (window.size() > WINDOW) {
      awaitOldest();
    }
  }

  /** Waits for every event sent so far and for their listing records. */
  void finish() throws SendFailedException {
    while (!window.isEmpty()) {
      awaitOldest();
    }
    try {
      listing.flush();
    } catch (ExecutionException e) {
      throw new SendFailedException(e.getMessage() + ": " + e.getCause(), acknowledged, e);
    }
  }

  long acknowledged() {
    return acknowledged;
  }

  Map<Integer, Long> highestOffsets() {
    return Map.copyOf(highestOffsets);
  }

  private void awaitOldest() throws SendFailedException {
    InFlight sent = window.removeFirst();
    try {
      RecordMetadata metadata = sent.ack().get();
      acknowledged++;
      highestOffsets.merge(metadata.partition(), metadata.offset(), Math::max);
      listing.record(dataset, sent.sampleId(), sent.hash());
    } catch (ExecutionException e) {
      // Later events may have been written, but they are neither counted nor listed: a rerun sends them again.
      window.clear();
      throw new SendFailedException("the change topic refused an event: " + e.getCause(), acknowledged, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      window.clear();
      throw new SendFailedException("interrupted", acknowledged, e);
    }
  }

  @Override
  public void close() {
    changes.close();
    listing.close();
  }
}
