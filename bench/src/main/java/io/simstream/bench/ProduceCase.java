package io.simstream.bench;

import io.simstream.cli.SimstreamCli;
import io.simstream.config.Settings;
import io.simstream.config.SimstreamConfig;
import io.simstream.json.Json;
import io.simstream.kafka.Topics;
import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Case: events/s of {@code simstream produce --manifest} for precomputed 512-d vectors, against a bare
 * Kafka producer sending the same samples, already encoded, to the same change topic in the same run.
 */
final class ProduceCase implements BenchCase {
  static final String NAME = "produce";
  static final int DIMS = 512;
  private static final Duration CATCH_UP = Duration.ofMinutes(10);
  /** The rate the CLI prints in its summary: sending only, without its start-up. */
  private static final Pattern CLI_RATE = Pattern.compile("\\(([\\d,]+) events/s\\)");

  @Override
  public String name() {
    return NAME;
  }

  /** Twice the ingest case's count: the producer side is cheaper per event than the indexer's. */
  static int events(Scale scale) {
    return scale.ingestVectors() * 2;
  }

  @Override
  public CaseResult run(BenchStack stack, Scale scale) throws Exception {
    SimstreamConfig config = stack.configFor(Map.of());
    int count = events(scale);
    List<float[]> vectors = new VectorGenerator(3, DIMS).gaussian(count);
    // A short pass of each path first, so neither pays for class loading and JIT warm-up in the timed one.
    List<float[]> warmUp = vectors.subList(0, Math.min(500, count));
    bare(stack, config, warmUp);
    viaCli(stack, config, warmUp);

    double bareRate = bare(stack, config, vectors);
    CliRun cli = viaCli(stack, config, vectors);
    double cliRate = count / cli.seconds();
    System.out.printf("produce: %.0f events/s by simstream produce (%.0f by its own count), %.0f by a bare producer%n",
        cliRate, cli.ownRate(), bareRate);
    List<Figure> figures = List.of(
        new Figure("simstream produce", Figure.Kind.THROUGHPUT, "events/s", cliRate, "bare Kafka producer", bareRate,
            cliRate / bareRate, null, null, true),
        Figure.of("simstream produce, its own summary", Figure.Kind.THROUGHPUT, "events/s", cli.ownRate()));
    return new CaseResult(NAME, "simstream produce of a JSONL manifest of precomputed vectors (events/s)", figures,
        List.of(count + " sample_added events with one random 512-d vector each, per path, to the change topic the "
                + "bench's indexer reads (a registered dataset without runs: the indexer only records the samples)",
            "simstream produce: SimstreamCli.run(produce --manifest FILE) in this JVM, timed from the call to its "
                + "return: topic check, listing read, reading and parsing each line, encoding and checking each "
                + "event with the indexer's reader, sending with at most 2,000 unacknowledged, and the listing "
                + "records; 'its own summary' is the rate the command prints (sending only)",
            "ceiling: the same samples encoded beforehand, sent by a KafkaProducer with the client's defaults "
                + "(acks=all, idempotent), timed from the first send until flush() returns",
            "the bare path runs first; the indexer catches up (consumer lag 0) before the next path starts"));
  }

  private record CliRun(double seconds, double ownRate) {
  }

  private static double bare(BenchStack stack, SimstreamConfig config, List<float[]> vectors) throws Exception {
    String dataset = stack.uniqueName("produce-bare");
    stack.api().registerDataset(dataset);
    List<SampleEvents.Encoded> events = new ArrayList<>(vectors.size());
    for (int i = 0; i < vectors.size(); i++) {
      events.add(SampleEvents.withVector(dataset, SampleEvents.sampleId("s", i), vectors.get(i)));
    }
    String topic = Topics.from(config).changes().name();
    Map<String, Object> props = config.kafkaClientProperties().asMap();
    long start;
    long end;
    try (KafkaProducer<String, byte[]> producer =
             new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      start = System.nanoTime();
      List<Future<RecordMetadata>> acks = new ArrayList<>(events.size());
      for (SampleEvents.Encoded event : events) {
        acks.add(producer.send(new ProducerRecord<>(topic, event.key(), event.value())));
      }
      producer.flush();
      end = System.nanoTime();
      for (Future<RecordMetadata> ack : acks) {
        ack.get();
      }
    }
    awaitIndexer(config);
    return vectors.size() / ((end - start) / 1e9);
  }

  private static CliRun viaCli(BenchStack stack, SimstreamConfig config, List<float[]> vectors) throws Exception {
    String dataset = stack.uniqueName("produce-cli");
    stack.api().registerDataset(dataset);
    Path manifest = stack.workDir().resolve(dataset + ".jsonl");
    try (BufferedWriter writer = Files.newBufferedWriter(manifest)) {
      for (int i = 0; i < vectors.size(); i++) {
        writer.write(Json.MAPPER.writeValueAsString(Map.of("sampleId", SampleEvents.sampleId("s", i),
            "embeddings", Map.of("default", vectors.get(i)))));
        writer.newLine();
      }
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    long start = System.nanoTime();
    int status = SimstreamCli.run(new String[] {"produce", "-d", dataset, "--manifest", manifest.toString(),
        "--kafka", config.get(Settings.KAFKA_BOOTSTRAP_SERVERS)}, new PrintWriter(out, true), new PrintWriter(err, true));
    double seconds = (System.nanoTime() - start) / 1e9;
    Files.delete(manifest);
    if (status != 0) {
      throw new IllegalStateException("simstream produce exited with " + status + ": " + out + err);
    }
    Matcher rate = CLI_RATE.matcher(out.toString());
    if (!rate.find()) {
      throw new IllegalStateException("simstream produce printed no rate: " + out);
    }
    awaitIndexer(config);
    return new CliRun(seconds, Double.parseDouble(rate.group(1).replace(",", "")));
  }

  private static void awaitIndexer(SimstreamConfig config) throws Exception {
    ConsumerLag.awaitCaughtUp(config.get(Settings.KAFKA_BOOTSTRAP_SERVERS), config.get(Settings.INDEXER_APPLICATION_ID),
        Topics.from(config).changes().name(), CATCH_UP);
  }
}
