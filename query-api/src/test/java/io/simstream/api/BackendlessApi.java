package io.simstream.api;

import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
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
import io.simstream.api.http.RequestMetrics;
import io.simstream.api.model.EmbeddingModels;
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
import io.simstream.config.Setting;
import io.simstream.config.Settings;
import io.simstream.config.SimstreamConfig;
import io.simstream.elasticsearch.ElasticsearchClients;
import io.simstream.run.DatasetRecord;
import io.simstream.run.SimilarityRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The real HTTP application (routes, validation, error mapping, Jetty settings) over in-memory
 * registries and an Elasticsearch address where nothing listens. For tests of what must be
 * decided before any backend is asked: a request that wrongly got past validation shows up as a
 * 503 "Elasticsearch is unreachable" instead of the expected 400.
 */
final class BackendlessApi implements AutoCloseable {
  final InMemoryStore<DatasetRecord> datasets = new InMemoryStore<>();
  final InMemoryStore<SimilarityRun> runs = new InMemoryStore<>();
  private final ElasticsearchGateway es;
  private final Javalin app;

  BackendlessApi(String bearerToken) {
    this(bearerToken, "http://127.0.0.1:" + deadPort());
  }

  /** The same over {@code esHosts}: a stub that answers the few requests a test needs. */
  BackendlessApi(String bearerToken, String esHosts) {
    this(bearerToken, esHosts, Map.of());
  }

  /** The same with views for /ready to wait on. */
  BackendlessApi(String bearerToken, String esHosts, Map<String, HealthHandlers.CaughtUpCheck> views) {
    Map<Setting<?>, String> settings = Map.of(Settings.ES_HOSTS, esHosts, Settings.ES_TIMEOUT_MS, "2000");
    es = new ElasticsearchGateway(ElasticsearchClients.create(SimstreamConfig.load(Map.of()).with(settings)));
    Clock clock = Clock.systemUTC();
    EmbeddingModels models = model -> Optional.empty();
    DatasetService datasetService = new DatasetService(datasets, clock);
    RunService runService = new RunService(runs, datasetService, new VectorIndexAdmin(es), models, clock);
    SampleService samples = new SampleService(runService, new SummaryLookup(es));
    app = ApiApplication.create(ApiAccess.token(bearerToken),
        new RequestMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)),
        new DatasetHandlers(datasetService), new RunHandlers(runService),
        new SearchHandlers(new SimilaritySearchService(runService, es, models)),
        new EmbeddingsHandlers(new EmbeddingsService(runService, es, clock)), new HealthHandlers(runService, views),
        new SampleHandlers(samples, new ThumbnailService(samples, ImageFetcher.from(SimstreamConfig.load(Map.of())),
            new ThumbnailRenderer(EmbeddingConfig.DEFAULT_MAX_IMAGE_PIXELS))), new UiHandlers());
    app.start(0);
  }

  int port() {
    return app.port();
  }

  List<String> registeredRoutes() {
    return ApiApplication.registeredRoutes(app);
  }

  ApiClient client() {
    return new ApiClient("http://127.0.0.1:" + port(), null);
  }

  @Override
  public void close() throws IOException {
    app.stop();
    es.close();
  }

  private static int deadPort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
