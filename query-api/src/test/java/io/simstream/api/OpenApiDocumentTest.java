package io.simstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.api.http.ServerTiming;
import io.simstream.elasticsearch.IndexMapping;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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

  @Test
  void everyReferenceResolves() {
    JsonNode document = server.client().get("/v1/openapi.json").json();
    for (String ref : document.findValuesAsText("$ref")) {
      assertThat(document.at(ref.substring(1)).isMissingNode()).as(ref).isFalse();
    }
  }
}
