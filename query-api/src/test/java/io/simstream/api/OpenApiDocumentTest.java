package io.simstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyName;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import io.simstream.api.dataset.DatasetHandlers;
import io.simstream.api.embeddings.EmbeddingsRequest;
import io.simstream.api.http.ServerTiming;
import io.simstream.api.run.CreateRunRequest;
import io.simstream.api.run.RunHandlers;
import io.simstream.api.search.SortBySimilarityRequest;
import io.simstream.elasticsearch.IndexMapping;
import io.simstream.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The served OpenAPI document describes exactly the routes Javalin has registered (no backends needed). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiDocumentTest {
  private BackendlessApi server;

  @BeforeAll
  void start() {
    server = new BackendlessApi("");
  }

  @AfterAll
  void stop() throws IOException {
    server.close();
  }

  private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete", "head", "options");

  @Test
  void pathsAndMethodsEqualTheRegisteredRoutes() {
    ApiClient.Response response = server.client().get("/v1/openapi.json");
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().path("openapi").asText()).startsWith("3.");
    List<String> documented = new ArrayList<>();
    response.json().path("paths").fields().forEachRemaining(path -> path.getValue().fieldNames()
        .forEachRemaining(method -> {
          if (METHODS.contains(method)) {
            documented.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
          }
        }));
    assertThat(documented).containsExactlyInAnyOrderElementsOf(server.registeredRoutes());
  }

  @Test
  void indexOptionsDocumentTheValuesTheServiceTakes() {
    JsonNode indexOptions = server.client().get("/v1/openapi.json").json()
        .at("/components/schemas/CreateRun/properties/indexOptions");
    assertThat(indexOptions.path("default").asText()).isEqualTo(IndexMapping.DEFAULT_INDEX_OPTIONS);
    List<String> values = new ArrayList<>();
    indexOptions.path("enum").forEach(value -> values.add(value.asText()));
    assertThat(values).containsExactlyInAnyOrderElementsOf(IndexMapping.INDEX_OPTIONS);
  }

  @Test
  void everyResponseDeclaresTheServerTimingHeaderTheApiSends() {
    ApiClient.Response response = server.client().get("/v1/openapi.json");
    assertThat(response.headers().firstValue(ServerTiming.HEADER)).hasValueSatisfying(
        value -> assertThat(value).startsWith("api;dur="));
    JsonNode document = response.json();
    List<String> undeclared = new ArrayList<>();
    document.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(method -> {
      if (METHODS.contains(method.getKey())) {
        method.getValue().path("responses").fields().forEachRemaining(status -> {
          JsonNode declared = status.getValue();
          if (declared.has("$ref")) {
            declared = document.at(declared.path("$ref").asText().substring(1));
          }
          if (!declared.path("headers").has(ServerTiming.HEADER)) {
            undeclared.add(method.getKey() + " " + path.getKey() + " " + status.getKey());
          }
        });
      }
    }));
    assertThat(undeclared).isEmpty();
  }

  /** Which backend a route reaches, and so which failures it can answer. */
  private enum Backend {
    /** In-memory views and static content only. */
    NONE,
    /** Kafka writes: 503 when one does not complete. */
    KAFKA,
    /** Elasticsearch: 503 when unreachable or refusing the API, 502 when it refuses a request or its answer. */
    ELASTICSEARCH,
    /** The readiness probe: 503 while not ready, never 502. */
    PROBE
  }

  private static final Map<String, Backend> BACKENDS = Map.ofEntries(
      Map.entry("GET /health", Backend.NONE),
      Map.entry("GET /ready", Backend.PROBE),
      Map.entry("GET /metrics", Backend.NONE),
      Map.entry("GET /v1/openapi.json", Backend.NONE),
      Map.entry("POST /v1/datasets", Backend.KAFKA),
      Map.entry("GET /v1/datasets", Backend.NONE),
      Map.entry("GET /v1/similarity", Backend.NONE),
      Map.entry("POST /v1/datasets/{dataset}/similarity", Backend.ELASTICSEARCH),
      Map.entry("GET /v1/datasets/{dataset}/similarity/{brainKey}", Backend.ELASTICSEARCH),
      Map.entry("PATCH /v1/datasets/{dataset}/similarity/{brainKey}", Backend.KAFKA),
      Map.entry("DELETE /v1/datasets/{dataset}/similarity/{brainKey}", Backend.KAFKA),
      Map.entry("POST /v1/datasets/{dataset}/similarity/{brainKey}/cleanup", Backend.ELASTICSEARCH),
      Map.entry("GET /v1/datasets/{dataset}/similarity/{brainKey}/size", Backend.ELASTICSEARCH),
      Map.entry("POST /v1/datasets/{dataset}/similarity/{brainKey}/sort-by-similarity", Backend.ELASTICSEARCH),
      Map.entry("POST /v1/datasets/{dataset}/similarity/{brainKey}/embeddings", Backend.ELASTICSEARCH),
      Map.entry("GET /v1/datasets/{dataset}/similarity/{brainKey}/documents", Backend.ELASTICSEARCH),
      Map.entry("GET /v1/datasets/{dataset}/similarity/{brainKey}/thumbnail", Backend.ELASTICSEARCH),
      Map.entry("GET /ui", Backend.NONE),
      Map.entry("GET /ui/{asset}", Backend.NONE));

  /** A new route must be placed in {@link #BACKENDS}, so that its failures are checked too. */
  @Test
  void routesThatReachABackendDeclareItsFailures() {
    assertThat(BACKENDS.keySet()).containsExactlyInAnyOrderElementsOf(server.registeredRoutes());
    JsonNode paths = server.client().get("/v1/openapi.json").json().path("paths");
    List<String> undeclared = new ArrayList<>();
    BACKENDS.forEach((route, backend) -> {
      String[] methodAndPath = route.split(" ", 2);
      JsonNode responses = paths.path(methodAndPath[1]).path(methodAndPath[0].toLowerCase(Locale.ROOT))
          .path("responses");
      if (backend != Backend.NONE && !responses.has("503")) {
        undeclared.add(route + " 503");
      }
      if (backend == Backend.ELASTICSEARCH && !responses.has("502")) {
        undeclared.add(route + " 502");
      }
    });
    assertThat(undeclared).isEmpty();
  }

  /** Each alias a request record accepts is in its schema, saying whose it is, and in docs/api.md. */
  @Test
  void everyAliasOfARequestFieldIsDocumented() throws IOException {
    JsonNode schemas = server.client().get("/v1/openapi.json").json().path("components").path("schemas");
    String apiMd = Files.readString(Path.of("..", "docs", "api.md"));
    Map<String, Class<?>> records = Map.of("RegisterDataset", DatasetHandlers.RegisterDatasetRequest.class,
        "CreateRun", CreateRunRequest.class, "Rename", RunHandlers.RenameRequest.class,
        "SortBySimilarity", SortBySimilarityRequest.class, "EmbeddingsRequest", EmbeddingsRequest.class);
    List<String> aliases = new ArrayList<>();
    records.forEach((schema, type) -> {
      for (BeanPropertyDefinition property : Json.MAPPER.getDeserializationConfig()
          .introspect(Json.MAPPER.constructType(type)).findProperties()) {
        for (PropertyName alias : property.findAliases()) {
          aliases.add(alias.getSimpleName());
          assertThat(schemas.path(schema).path("properties").path(alias.getSimpleName()).path("description").asText())
              .as(schema + " " + alias).startsWith("alias of " + property.getName());
          assertThat(apiMd).as("docs/api.md names " + alias).contains("`" + alias.getSimpleName() + "`");
        }
      }
    });
    assertThat(aliases).contains("restrict_ids", "single_page");
  }

  /** The routes served without the token are marked open, and the bearer scheme names them. */
  @Test
  void routesOpenWithoutTheTokenAreMarkedOpen() throws IOException {
    try (BackendlessApi withToken = new BackendlessApi("secret")) {
      JsonNode document = new ApiClient("http://127.0.0.1:" + withToken.port(), "secret").get("/v1/openapi.json")
          .json();
      String bearer = document.at("/components/securitySchemes/bearer/description").asText();
      ApiClient anonymous = withToken.client();
      List<String> wrong = new ArrayList<>();
      List<String> openRoutes = new ArrayList<>();
      document.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(method -> {
        if (!METHODS.contains(method.getKey())) {
          return;
        }
        String concrete = path.getKey().replaceAll("\\{[^}]*}", "x");
        boolean open = anonymous.send(method.getKey().toUpperCase(Locale.ROOT), concrete, null).status() != 401;
        JsonNode security = method.getValue().path("security");
        boolean markedOpen = security.isArray() && security.isEmpty();
        String route = method.getKey() + " " + path.getKey();
        if (open) {
          openRoutes.add(route);
        }
        if (open != markedOpen) {
          wrong.add(route + (open ? " is open but not marked security: []" : " needs the token but is marked open"));
        }
        String named = path.getKey().replaceAll("/\\{[^}]*}", "");
        if (open && !bearer.contains(named)) {
          wrong.add(route + " is open but the bearer scheme's description does not name " + named);
        }
      }));
      assertThat(openRoutes).contains("get /health", "get /ui");
      assertThat(wrong).isEmpty();
    }
  }

  @Test
  void everyReferenceResolves() {
    JsonNode document = server.client().get("/v1/openapi.json").json();
    for (String ref : document.findValuesAsText("$ref")) {
      assertThat(document.at(ref.substring(1)).isMissingNode()).as(ref).isFalse();
    }
  }
}
