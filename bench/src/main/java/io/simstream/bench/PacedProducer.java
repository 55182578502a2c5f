package io.simstream.bench;

import io.simstream.event.ChangeEvent;
import io.simstream.event.ChangeEventCodec;
import io.simstream.kafka.ChangeEventProducer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Sends a history's changes at a steady rate on its own thread until stopped, so that the indexer is
 * always mid-stream when a disruption hits. {@link #stop()} proves every change reached the broker:
 * the expected dataset is only true if none was lost on the way.
 */
final class PacedProducer {
  private final ChangeEventProducer producer;
  private final RandomChanges history;
  private final long nanosPerEvent;
  private final List<Future<RecordMetadata>> sent = new ArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile RuntimeException failure;

  private PacedProducer(ChangeEventProducer producer, RandomChanges history, double eventsPerSecond) {
    this.producer = producer;
    this.history = history;
    this.nanosPerEvent = (long) (1e9 / eventsPerSecond);
    this.thread = new Thread(this::produce, "chaos-producer");
    thread.setDaemon(true);
  }

  static PacedProducer start(ChangeEventProducer producer, RandomChanges history, double eventsPerSecond) {
    PacedProducer paced = new PacedProducer(producer, history, eventsPerSecond);
    paced.thread.start();
    return paced;
  }

  /** Stops sending, waits for every acknowledgement and returns how many changes were sent. */
  int stop() throws InterruptedException {
    running = false;
    thread.join();
    if (failure != null) {
      throw failure;
    }
    producer.flush();
    for (Future<RecordMetadata> future : sent) {
      try {
        future.get();
      } catch (ExecutionException e) {
        throw new IllegalStateException("a change was not acknowledged, so the expected dataset is unknown",
            e.getCause());
      }
    }
    return sent.size();
  }

  private void produce() {
    long next = System.nanoTime();
    try {
      while (running) {
        ChangeEvent event = history.next();
        sent.add(producer.sendRaw(event.key().toString(), ChangeEventCodec.encode(event)));
        next += nanosPerEvent;
        long ahead = next - System.nanoTime();
        if (ahead > 0) {
          Thread.sleep(ahead / 1_000_000, (int) (ahead % 1_000_000));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      failure = e;
    }
  }
}
