package io.simstream.bench;

import io.simstream.indexer.Indexer;
import io.simstream.kafka.ChangeEventProducer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/** simstream's own path: events to Kafka, the indexer, Elasticsearch, timed until all are searchable. */
final class Pipeline {
  private final ChangeEventProducer producer;
  private final DirectElasticsearch es;
  private final Indexer indexer;
  private final StackCpu cpu;
  private final IndexerCounters counters;
  private final Path brokerLog;
  private final CpuSplit cpuSplit;
  private final boolean samplePools;

  /**
   * A rate, the CPU milliseconds each process of the stack used while it was timed, how the indexer
   * wrote meanwhile ({@link IndexerCounters#describe}), the bench JVM's busiest threads with the
   * timed window's wall-clock times (to cut a JFR recording to it), Elasticsearch's busiest thread pools
   * ("not sampled" unless asked for), the broker's log cleaner passes that began meanwhile ({@link CleanerPasses})
   * and how busy each side's CPUs were ({@link CpuBusy}).
   */
  record Measured(double perSecond, Map<String, Double> cpuMillis, String writes, String threads,
                  String elasticsearchThreads, List<String> cleanerPasses, String cpusBusy) {
  }

  /** A pipeline whose timings leave Elasticsearch's thread pools unsampled ({@link Measured#elasticsearchThreads}). */
  Pipeline(BenchStack stack) {
    this(stack, false);
  }

  /**
   * With {@code samplePools}, each timing also sums Elasticsearch's hot threads reports by pool: one request a
   * second that costs the node CPU, so only the loads whose pools are printed ask for it.
   */
  Pipeline(BenchStack stack, boolean samplePools) {
    this.samplePools = samplePools;
    this.producer = stack.producer();
    this.es = stack.es();
    this.indexer = stack.indexer();
    this.cpu = stack.cpu();
    this.counters = new IndexerCounters(indexer.adminPort());
    this.brokerLog = stack.brokerLog();
    this.cpuSplit = stack.cpuSplit();
  }

  /**
   * Sends one event and waits until it is searchable: proves the indexer has seen the new run, so
   * that the timed events take the live path, not a backfill.
   */
  void prime(String index, SampleEvents.Encoded event, Duration timeout) {
    send(List.of(event));
    Searchable.await(es, index, 1, timeout);
  }

  /** Sends the events and measures events per second until {@code index} holds {@code expectedTotal}. */
  Measured ingest(String index, List<SampleEvents.Encoded> events, long expectedTotal, Duration timeout) {
    return timed(events.size(), () -> {
      send(events);
      return Searchable.await(es, index, expectedTotal, timeout);
    });
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
    return timed(events.size(), () -> Searchable.await(es, index, expectedTotal, timeout));
  }

  /** Times {@code work} (which returns its end, {@link System#nanoTime}) with what the stack did meanwhile. */
  private Measured timed(int vectors, LongSupplier work) {
    Map<String, Double> countersBefore = counters.read();
    long countersFrom = System.nanoTime();
    Map<String, Double> cpuBefore = cpu.millis();
    Map<String, Long> threadsBefore = ThreadCpu.nanos();
    CleanerPasses cleaning = CleanerPasses.from(brokerLog);
    CpuBusy.Reading cpusBefore = CpuBusy.read();
    try (ElasticsearchThreadCpu pools = samplePools ? ElasticsearchThreadCpu.start(es) : null) {
      Instant startedAt = Instant.now();
      long start = System.nanoTime();
      long end = work.getAsLong();
      Map<String, Double> countersAfter = counters.read();
      double countersSeconds = (System.nanoTime() - countersFrom) / 1e9;
      Map<String, Double> cpuUsed = StackCpu.between(cpuBefore, cpu.millis());
      String cpusBusy = CpuBusy.describe(cpusBefore, CpuBusy.read(), cpuSplit);
      String threads = startedAt + " to " + Instant.now() + ": "
          + ThreadCpu.perThousand(threadsBefore, ThreadCpu.nanos(), vectors);
      return new Measured(vectors / ((end - start) / 1e9), cpuUsed,
          IndexerCounters.describe(countersBefore, countersAfter, countersSeconds), threads,
          pools == null ? "not sampled" : pools.stop(vectors), cleaning.since(), cpusBusy);
    }
  }

  void send(List<SampleEvents.Encoded> events) {
    for (SampleEvents.Encoded event : events) {
      producer.sendRaw(event.key(), event.value());
    }
    producer.flush();
  }
}
