package io.simstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The served OpenAPI document describes exactly the routes Javalin has registered. */
class OpenApiDocumentTest {
  private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete", "head", "options");

  @Test
  void pathsAndMethodsEqualTheRegisteredRoutes() {
    ApiClient.Response response = SharedApi.client().get("/v1/openapi.json");
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().path("openapi").asText()).startsWith("3.");
    List<String> documented = new ArrayList<>();
    response.json().path("paths").fields().forEachRemaining(path -> path.getValue().fieldNames()
        .forEachRemaining(method -> {
          if (METHODS.contains(method)) {
            documented.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
          }
        }));
    assertThat(documented).containsExactlyInAnyOrderElementsOf(SharedApi.api().registeredRoutes());
  }

  @Test
  void everyReferenceResolves() {
    JsonNode document = SharedApi.client().get("/v1/openapi.json").json();
    for (String ref : document.findValuesAsText("$ref")) {
      assertThat(document.at(ref.substring(1)).isMissingNode()).as(ref).isFalse();
    }
  }
}
