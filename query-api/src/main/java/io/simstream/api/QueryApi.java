package io.simstream.api;

import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.simstream.api.dataset.DatasetHandlers;
import io.simstream.api.dataset.DatasetService;
import io.simstream.api.elasticsearch.ElasticsearchGateway;
import io.simstream.api.elasticsearch.SummaryLookup;
import io.simstream.api.elasticsearch.VectorIndexAdmin;
import io.simstream.api.embeddings.EmbeddingsHandlers;
import io.simstream.api.embeddings.EmbeddingsService;
import io.simstream.api.health.HealthHandlers;
import io.simstream.api.http.ApiAccess;
import io.simstream.api.http.ApiApplication;
import io.simstream.api.http.MetricsServer;
import io.simstream.api.http.RequestMetrics;
import io.simstream.api.model.EmbeddingModels;
import io.simstream.embedding.EmbedderRegistry;
import io.simstream.api.registry.CompactedTopicStore;
import io.simstream.api.run.RunHandlers;
import io.simstream.api.run.RunService;
import io.simstream.api.sample.SampleHandlers;
import io.simstream.api.sample.SampleService;
import io.simstream.api.sample.ThumbnailRenderer;
import io.simstream.api.sample.ThumbnailService;
import io.simstream.api.ui.UiHandlers;
import io.simstream.embedding.EmbeddingConfig;
import io.simstream.embedding.fetch.ImageFetcher;
import io.simstream.api.search.SearchHandlers;
import io.simstream.api.search.SimilaritySearchService;
import io.simstream.config.ApiAccessChecks;
import io.simstream.config.KafkaClientProperties;
import io.simstream.config.Settings;
import io.simstream.config.SimstreamConfig;
import io.simstream.elasticsearch.ElasticsearchClients;
import io.simstream.kafka.TopicAdmin;
import io.simstream.kafka.Topics;
import io.simstream.metrics.RuntimeMetrics;
import io.simstream.run.DatasetRecord;
import io.simstream.run.SimilarityRun;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The query API: an HTTP server over the runs and datasets topics and the Elasticsearch indexes.
 * Start it with {@link #start}; it runs until {@link #close}.
 */
public final class QueryApi implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(QueryApi.class);
  /** The {@link RuntimeMetrics#APPLICATION_TAG} of the API's meters, which the dashboard and alerts select. */
  public static final String APPLICATION = "simstream-query-api";

  private final Javalin app;
  private final int metricsPort;
  private final List<AutoCloseable> resources;

  private QueryApi(Javalin app, int metricsPort, List<AutoCloseable> resources) {
    this.app = app;
    this.metricsPort = metricsPort;
    this.resources = resources;
  }

  /** Starts with the embedding module's models (opened on first use, closed with the API). */
  public static QueryApi start(SimstreamConfig config) {
    EmbedderRegistry registry = EmbedderRegistry.forSingleQueries(config);
    return start(config, EmbeddingModels.of(registry), registry);
  }

  /**
   * Ensures the topics exist, loads the runs and datasets views, connects to Elasticsearch and
   * listens on {@link Settings#API_PORT} (0 = a free port, see {@link #port()}).
   */
  public static QueryApi start(SimstreamConfig config, EmbeddingModels models) {
    return start(config, models, () -> { });
  }

  private static QueryApi start(SimstreamConfig config, EmbeddingModels models, AutoCloseable ownedModels) {
    List<AutoCloseable> resources = new ArrayList<>();
    resources.add(ownedModels);
    try {
      ApiAccessChecks.require(config);
      TopicAdmin.ensureTopics(config);
      Topics topics = Topics.from(config);
      KafkaClientProperties kafka = config.kafkaClientProperties();
      CompactedTopicStore<SimilarityRun> runStore = new CompactedTopicStore<>(kafka, topics.runs());
      resources.add(runStore);
      CompactedTopicStore<DatasetRecord> datasetStore = new CompactedTopicStore<>(kafka, topics.datasets());
      resources.add(datasetStore);
      ElasticsearchGateway es = new ElasticsearchGateway(ElasticsearchClients.create(config));
      resources.add(es);
      ImageFetcher imageFetcher = ImageFetcher.from(config);
      resources.add(imageFetcher);

      Clock clock = Clock.systemUTC();
      DatasetService datasets = new DatasetService(datasetStore, clock);
      RunService runs = new RunService(runStore, datasets, new VectorIndexAdmin(es), models, clock);
      Map<String, HealthHandlers.CaughtUpCheck> views = new LinkedHashMap<>();
      views.put("runsView", runStore::awaitCaughtUp);
      views.put("datasetsView", datasetStore::awaitCaughtUp);
      PrometheusMeterRegistry registry = RuntimeMetrics.registryFor(APPLICATION);
      resources.add(RuntimeMetrics.bindTo(registry));
      RequestMetrics metrics = new RequestMetrics(registry);
      ApiAccess access = ApiAccess.from(config);
      String token = access.bearerToken();
      SampleService samples = new SampleService(runs, new SummaryLookup(es));
      ThumbnailService thumbnails = new ThumbnailService(samples, imageFetcher,
          new ThumbnailRenderer(EmbeddingConfig.DEFAULT_MAX_IMAGE_PIXELS));

      Javalin app = ApiApplication.create(access, metrics, new DatasetHandlers(datasets), new RunHandlers(runs),
          new SearchHandlers(new SimilaritySearchService(runs, es, models)),
          new EmbeddingsHandlers(new EmbeddingsService(runs, es, clock)), new HealthHandlers(runs, views),
          new SampleHandlers(samples, thumbnails), new UiHandlers());
      // Started first, so that a failing API start closes it with the other resources.
      MetricsServer metricsServer = null;
      if (!access.metricsOnApiPort()) {
        metricsServer = MetricsServer.start(access, metrics);
        resources.add(metricsServer);
      }
      app.start(config.get(Settings.API_PORT));
      int metricsPort = metricsServer == null ? app.port() : metricsServer.port();
      LOG.info("Query API listening on port {}{}, metrics on port {}{}", app.port(),
          token.isEmpty() ? " (no auth)" : " (bearer token)", metricsPort,
          access.openPaths().contains(ApiAccess.METRICS_PATH) ? " (open)" : " (bearer token)");
      return new QueryApi(app, metricsPort, resources);
    } catch (RuntimeException e) {
      closeAll(resources);
      throw e;
    }
  }

  public int port() {
    return app.port();
  }

  /** Where {@code /metrics} is served: {@link #port()} unless {@code api.metrics-port} is set. */
  public int metricsPort() {
    return metricsPort;
  }

  @Override
  public void close() {
    app.stop();
    closeAll(resources);
  }

  private static void closeAll(List<AutoCloseable> resources) {
    for (AutoCloseable resource : resources) {
      try {
        resource.close();
      } catch (Exception e) {
        LOG.warn("closing {} failed", resource, e);
      }
    }
  }
}
