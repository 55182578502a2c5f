package io.simstream.bench;

import io.simstream.indexer.Indexer;
import io.simstream.kafka.ChangeEventProducer;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** simstream's own path: events to Kafka, the indexer, Elasticsearch, timed until all are searchable. */
final class Pipeline {
  private final ChangeEventProducer producer;
  private final DirectElasticsearch es;
  private final Indexer indexer;
  private final StackCpu cpu;

  /** A rate, and the CPU milliseconds each process of the stack used while it was timed. */
  record Measured(double perSecond, Map<String, Double> cpuMillis) {
  }

  Pipeline(BenchStack stack) {
    this.producer = stack.producer();
    this.es = stack.es();
    this.indexer = stack.indexer();
    this.cpu = stack.cpu();
  }

  /**
   * Sends one event and waits until it is searchable: proves the indexer has seen the new run, so
   * that the timed events take the live path, not a backfill.
   */
  void prime(String index, SampleEvents.Encoded event, Duration timeout) {
    send(List.of(event));
    Searchable.await(es, index, 1, timeout);
  }

  /** Sends the events and returns events per second until {@code index} holds {@code expectedTotal}. */
  double ingest(String index, List<SampleEvents.Encoded> events, long expectedTotal, Duration timeout) {
    long start = System.nanoTime();
    send(events);
    long end = Searchable.await(es, index, expectedTotal, timeout);
    return events.size() / ((end - start) / 1e9);
  }

  /**
   * Events per second from a backlog: the indexer is paused while the events are sent, and the
   * time runs from its resumption until {@code index} holds {@code expectedTotal}. Producing is
   * left out: in a deployment producers and brokers do not share Elasticsearch's CPUs.
   */
  Measured drain(String index, List<SampleEvents.Encoded> events, long expectedTotal, Duration timeout) {
    indexer.pause();
    try {
      send(events);
    } finally {
      indexer.resume();
    }
    Map<String, Double> cpuBefore = cpu.millis();
    long start = System.nanoTime();
    long end = Searchable.await(es, index, expectedTotal, timeout);
    return new Measured(events.size() / ((end - start) / 1e9), StackCpu.between(cpuBefore, cpu.millis()));
  }

  void send(List<SampleEvents.Encoded> events) {
    for (SampleEvents.Encoded event : events) {
      producer.sendRaw(event.key(), event.value());
    }
    producer.flush();
  }
}
