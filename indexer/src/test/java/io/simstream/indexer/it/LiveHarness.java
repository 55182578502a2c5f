package io.simstream.indexer.it;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.config.Setting;
import io.simstream.config.Settings;
import io.simstream.config.SimstreamConfig;
import io.simstream.elasticsearch.ElasticsearchClients;
import io.simstream.elasticsearch.IndexMapping;
import io.simstream.elasticsearch.VectorFieldSpec;
import io.simstream.event.ChangeEvent;
import io.simstream.event.ChangeEventCodec;
import io.simstream.json.Json;
import io.simstream.kafka.TopicAdmin;
import io.simstream.kafka.Topics;
import io.simstream.run.DatasetRecord;
import io.simstream.run.SimilarityRun;
import io.simstream.servers.LocalServers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;

/**
 * One test's world on the real broker and node: its own topics and application id (a unique prefix),
 * a producer for datasets, runs and events, and readers of the indexes and the dead-letter topic.
 */
final class LiveHarness implements AutoCloseable {
  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  /** Elasticsearch 9 leaves dense vectors out of _source unless asked (8.19 has no such option). */
  private static final boolean VECTORS_EXCLUDED_BY_DEFAULT = !LocalServers.esVersion().startsWith("8.");

  final String prefix;
  final SimstreamConfig config;
  final Topics topics;
  final ElasticsearchClient es;
  private final RestClient rest;
  private final KafkaProducer<String, byte[]> producer;
  private final java.util.concurrent.atomic.AtomicReference<Exception> sendFailure =
      new java.util.concurrent.atomic.AtomicReference<>();

  LiveHarness(String name, Path stateDir) {
    this(name, stateDir, startLocalServers(), Map.of());
  }

  /** Both local servers at once, rather than one after the other; the plain broker's address. */
  private static String startLocalServers() {
    LocalServers.startAll();
    return LocalServers.kafka().bootstrapServers();
  }

  /**
   * On other Kafka listeners: {@code kafkaEnvironment} holds SIMSTREAM_KAFKA_* variables, and every client here
   * and in the indexer connects with them.
   */
  LiveHarness(String name, Path stateDir, String bootstrapServers, Map<String, String> kafkaEnvironment) {
    prefix = name + "-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
    Map<Setting<?>, String> overrides = new HashMap<>();
    overrides.put(Settings.KAFKA_BOOTSTRAP_SERVERS, bootstrapServers);
    overrides.put(Settings.ES_HOSTS, LocalServers.elasticsearch().httpUrl());
    overrides.put(Settings.TOPIC_CHANGES, prefix + ".changes");
    overrides.put(Settings.TOPIC_RUNS, prefix + ".runs");
    overrides.put(Settings.TOPIC_DATASETS, prefix + ".datasets");
    overrides.put(Settings.TOPIC_DEAD_LETTERS, prefix + ".dead-letters");
    overrides.put(Settings.TOPIC_PARTITIONS, "3");
    overrides.put(Settings.INDEXER_APPLICATION_ID, prefix);
    overrides.put(Settings.INDEXER_STATE_DIR, stateDir.toString());
    overrides.put(Settings.INDEXER_ADMIN_PORT, "0");
    overrides.put(Settings.INDEXER_RETRY_MAX_MS, "30000");
    config = SimstreamConfig.load(kafkaEnvironment).with(overrides);
    topics = Topics.from(config);
    TopicAdmin.ensureTopics(config);
    es = ElasticsearchClients.create(config);
    rest = ElasticsearchClients.restClient(es);
    Properties props = config.kafkaClientProperties().asProperties();
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    // Batches to a partition created a moment ago can meet NOT_LEADER; with several in flight the idempotent
    // producer then loops on OUT_OF_ORDER_SEQUENCE_NUMBER until the delivery timeout (seen here).
    props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    producer = new KafkaProducer<>(props, topics.changes().keySerde().serializer(),
        topics.changes().valueSerde().serializer());
  }


  /** The environment that configures an indexer child JVM like this harness. */
  Map<String, String> environment() {
    return config.asEnvironment();
  }

  String index(String brainKey) {
    return prefix + "-" + brainKey;
  }

  SimilarityRun run(String dataset, String brainKey, io.simstream.run.Metric metric, int dims, String patchesField,
                    String indexOptions) {
    return new SimilarityRun(prefix + "-" + brainKey + "-id", dataset, brainKey, index(brainKey),
        SimilarityRun.PRECOMPUTED, metric, dims, patchesField, indexOptions, false, Instant.now());
  }

  void registerDataset(String dataset) {
    send(topics.datasets().name(), dataset,
        topics.datasets().valueSerde().serializer().serialize(null, new DatasetRecord(dataset, Instant.now())));
  }

  void registerRun(SimilarityRun run) {
    send(topics.runs().name(), run.key(), topics.runs().valueSerde().serializer().serialize(null, run));
  }

  /**
   * Deletes the run as the API does: its record, and with {@code withIndex} a tombstone marked for the indexer,
   * then the index.
   */
  void deleteRun(SimilarityRun run, boolean withIndex) {
    ProducerRecord<String, byte[]> tombstone = new ProducerRecord<>(topics.runs().name(), run.key(), null);
    if (withIndex) {
      tombstone.headers().add(Topics.RUN_CLEANUP_HEADER, run.indexName().getBytes(StandardCharsets.UTF_8));
    }
    try {
      producer.send(tombstone).get();
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException(e);
    }
    if (withIndex) {
      deleteIndex(run.indexName());
    }
  }

  /** Renames the run as the API does: the record under its new key first, then the old key's tombstone. */
  SimilarityRun renameRun(SimilarityRun run, String brainKey) {
    SimilarityRun renamed = run.withBrainKey(brainKey);
    registerRun(renamed);
    send(topics.runs().name(), run.key(), null);
    return renamed;
  }

  /** Deletes an index (a cleanup); nothing when it does not exist. */
  void deleteIndex(String index) {
    try {
      rest.performRequest(new Request("DELETE", "/" + index));
    } catch (ResponseException e) {
      if (e.getResponse().getStatusLine().getStatusCode() != 404) {
        throw new UncheckedIOException(e);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Creates the run's index as a user would before connecting a run to it: simstream's mapping, no alias. */
  void createIndex(SimilarityRun run) {
    Request create = new Request("PUT", "/" + run.indexName());
    create.setJsonEntity(IndexMapping.createIndexBody(new VectorFieldSpec(run.metric(), run.dims(),
        run.indexOptions())));
    try {
      rest.performRequest(create);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  boolean indexExists(String index) {
    try {
      return rest.performRequest(new Request("HEAD", "/" + index)).getStatusLine().getStatusCode() == 200;
    } catch (ResponseException e) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void sendEvent(ChangeEvent event) {
    sendRaw(event.key().toString(), ChangeEventCodec.encode(event));
  }

  void sendRaw(String key, byte[] value) {
    producer.send(new ProducerRecord<>(topics.changes().name(), key, value), (metadata, e) -> {
      if (e != null) {
        sendFailure.compareAndSet(null, e);
      }
    });
  }

  /** Sends one record to any topic and waits for it to be acknowledged. */
  void send(String topic, String key, byte[] value) {
    try {
      producer.send(new ProducerRecord<>(topic, key, value)).get();
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Waits until every event sent was acknowledged; fails if one was not. */
  void flushProducer() {
    producer.flush();
    if (sendFailure.get() != null) {
      throw new IllegalStateException("an event could not be sent", sendFailure.get());
    }
  }

  /** Every document of an index (up to 10,000): id -> source, after a refresh; empty when it does not exist. */
  Map<String, JsonNode> documents(String index) {
    Map<String, JsonNode> docs = new HashMap<>();
    try {
      rest.performRequest(new Request("POST", "/" + index + "/_refresh"));
      Request search = new Request("POST", "/" + index + "/_search");
      search.setJsonEntity("{\"size\":10000,\"query\":{\"match_all\":{}}"
          + (VECTORS_EXCLUDED_BY_DEFAULT ? ",\"_source\":{\"exclude_vectors\":false}" : "") + "}");
      JsonNode hits = Json.MAPPER.readTree(rest.performRequest(search).getEntity().getContent()).path("hits")
          .path("hits");
      for (JsonNode hit : hits) {
        docs.put(hit.path("_id").asText(), hit.path("_source"));
      }
      return docs;
    } catch (ResponseException e) {
      if (e.getResponse().getStatusLine().getStatusCode() == 404) {
        return docs;
      }
      throw new UncheckedIOException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One document's source, or null when it does not exist. */
  JsonNode document(String index, String id) {
    try {
      Request get = new Request("GET", "/" + index + "/_doc/" + id);
      if (VECTORS_EXCLUDED_BY_DEFAULT) {
        get.addParameter("_source_exclude_vectors", "false");
      }
      return Json.MAPPER.readTree(rest.performRequest(get).getEntity().getContent()).path("_source");
    } catch (ResponseException e) {
      if (e.getResponse().getStatusLine().getStatusCode() == 404) {
        return null;
      }
      throw new UncheckedIOException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  long count(String index) {
    try {
      rest.performRequest(new Request("POST", "/" + index + "/_refresh"));
      return es.count(c -> c.index(index)).count();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  static float[] vector(JsonNode source) {
    JsonNode array = source.path(IndexMapping.VECTOR);
    float[] vector = new float[array.size()];
    for (int i = 0; i < vector.length; i++) {
      vector[i] = (float) array.get(i).asDouble();
    }
    return vector;
  }

  /** All dead letters so far (read_committed: only those of committed transactions). */
  List<ConsumerRecord<String, byte[]>> deadLetters() {
    Properties props = config.kafkaClientProperties().asProperties();
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topics.deadLetters().name()).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      long deadline = System.currentTimeMillis() + 10_000;
      while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))
          && System.currentTimeMillis() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }

  /** End offsets of the change topic, summed over partitions: what the indexer has to consume. */
  long changesEnd() {
    Properties props = config.kafkaClientProperties().asProperties();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topics.changes().name()).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** Offsets the indexer's consumer group committed on the change topic, summed over partitions. */
  long committedChanges() {
    try (Admin admin = Admin.create(config.kafkaClientProperties().asMap())) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets(prefix).partitionsToOffsetAndMetadata().get();
      return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topics.changes().name()))
          .mapToLong(e -> e.getValue() == null ? 0 : e.getValue().offset()).sum();
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The topic configs of a store's changelog, as the broker has them. */
  Map<String, String> changelogConfig(String store) {
    ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, prefix + "-" + store + "-changelog");
    try (Admin admin = Admin.create(config.kafkaClientProperties().asMap())) {
      Config described = admin.describeConfigs(List.of(topic)).all().get().get(topic);
      Map<String, String> configs = new HashMap<>();
      described.entries().forEach(entry -> configs.put(entry.name(), entry.value()));
      return configs;
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    producer.close();
    try {
      es._transport().close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
