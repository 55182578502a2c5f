package io.simstream.cli.produce;

import io.simstream.cli.source.BadInputException;
import io.simstream.cli.source.SampleSource;
import io.simstream.cli.sync.SyncDiff;
import io.simstream.event.ChangeEvent;
import io.simstream.event.ChangeEventCodec;
import io.simstream.event.ImageLocation;
import io.simstream.event.InvalidEventException;
import io.simstream.event.SampleDeleted;
import io.simstream.event.SampleKey;
import io.simstream.event.SampleUpsert;
import io.simstream.kafka.ChangeEventProducer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns one read of a source into change events: each sample is compared with the listing, checked
 * with the indexer's own reader, and sent (or only counted in a dry run); with sync, the samples
 * gone from the source are deleted once the whole source has been read.
 */
final class SourceProducer {
  /** What a produce did, and what --wait needs to know about it. */
  record Outcome(Tally tally, List<ProducedSample> upserted, List<String> deleted) {
  }

  /** Counts of the events by kind. */
  static final class Tally {
    long added;
    long updated;
    long unchanged;
    long deleted;

    long events() {
      return added + updated + deleted;
    }

    @Override
    public String toString() {
      return String.format("%,d added, %,d updated, %,d deleted, %,d unchanged skipped", added, updated, deleted,
          unchanged);
    }
  }

  private final String dataset;
  private final boolean sync;
  private final boolean skipUnchanged;
  private final boolean allowEmpty;
  private final boolean dryRun;
  private final boolean rememberForWait;
  private final EventSender sender;
  private final Progress progress;

  SourceProducer(String dataset, boolean sync, boolean skipUnchanged, boolean allowEmpty, boolean dryRun,
                 boolean rememberForWait, EventSender sender, Progress progress) {
    this.dataset = dataset;
    this.sync = sync;
    this.skipUnchanged = skipUnchanged;
    this.allowEmpty = allowEmpty;
    this.dryRun = dryRun;
    this.rememberForWait = rememberForWait;
    this.sender = sender;
    this.progress = progress;
  }

  Outcome produce(SampleSource source, SyncDiff diff) throws BadInputException, SendFailedException {
    Tally tally = new Tally();
    List<ProducedSample> upserted = new ArrayList<>();
    List<String> deleted = new ArrayList<>();
    Instant now = Instant.now();
    source.<SendFailedException>read(sample -> {
      SyncDiff.Change change = diff.classify(sample);
      if (skipUnchanged && change == SyncDiff.Change.UNCHANGED) {
        tally.unchanged++;
        progress.sampleRead(false);
        return;
      }
      byte[] event = checkedEvent(sample.toEvent(dataset, change != SyncDiff.Change.NEW, now), sample.origin());
      if (!dryRun) {
        sender.send(keyOf(sample.sampleId()), event, sample.sampleId(), sample.contentHash());
        if (rememberForWait) {
          upserted.add(ProducedSample.of(sample));
        }
      }
      if (change == SyncDiff.Change.NEW) {
        tally.added++;
      } else {
        tally.updated++;
      }
      progress.sampleRead(true);
    });
    if (sync) {
      // Only now is the source known to be whole: deleting earlier could remove samples not yet read.
      if (!allowEmpty) {
        diff.refuseEmptySource(source.describe());
      }
      for (String gone : diff.gone()) {
        ChangeEvent event = new SampleDeleted(ChangeEvent.CURRENT_SCHEMA_VERSION, dataset, gone, now);
        byte[] bytes = checkedEvent(event, "deletion of sample '" + gone + "'");
        if (!dryRun) {
          sender.send(keyOf(gone), bytes, gone, null);
          deleted.add(gone);
        }
        tally.deleted++;
        progress.eventSent();
      }
    }
    sender.finish();
    return new Outcome(tally, upserted, deleted);
  }

  private String keyOf(String sampleId) {
    return new SampleKey(dataset, sampleId).toString();
  }

  /**
   * The event as the indexer will read it; an event it would dead-letter, an image it could never
   * open, or an event the change topic would refuse is bad input here, named by its origin.
   */
  static byte[] checkedEvent(ChangeEvent event, String origin) throws BadInputException {
    byte[] bytes = ChangeEventCodec.encode(event);
    try {
      ChangeEventCodec.decode(bytes);
    } catch (InvalidEventException e) {
      throw new BadInputException(origin + ": " + e.getMessage());
    }
    if (event instanceof SampleUpsert upsert && upsert.imageUri() != null && !upsert.imageUri().isBlank()) {
      try {
        ImageLocation.toUri(upsert.imageUri());
      } catch (IllegalArgumentException e) {
        throw new BadInputException(origin + ": imageUri is neither a URI nor a path: " + e.getMessage());
      }
    }
    if (bytes.length > ChangeEventProducer.MAX_EVENT_BYTES) {
      throw new BadInputException(String.format("%s: the event is %,d bytes, over the change topic's limit of %,d",
          origin, bytes.length, ChangeEventProducer.MAX_EVENT_BYTES));
    }
    return bytes;
  }
}
