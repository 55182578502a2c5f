package io.simstream.api.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.simstream.api.dataset.DatasetHandlers;
import io.simstream.api.embeddings.EmbeddingsRequest;
import io.simstream.api.error.BadRequestException;
import io.simstream.api.run.CreateRunRequest;
import io.simstream.api.run.RunHandlers;
import io.simstream.api.search.SortBySimilarityRequest;
import io.simstream.event.DocumentIds;
import io.simstream.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Property of the request parsers, no servers: whatever the bytes, {@link JsonIO#parse} returns a
 * request whose values are safe to send on, or throws a 400 {@link BadRequestException}; never any
 * other exception. Bodies are valid seeds mutated at random (seeded, so a failure replays).
 */
class RequestBodyFuzzTest {
  private static final long SEED = 20_516L;
  private static final int CASES_PER_SEED = 1_000;
  private static final String HOLE = "\u0001hole\u0001";
  /** Raw JSON put where a value was: the values that broke the API, and neighbours of them. */
  private static final List<String> NASTY = List.of("null", "\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "NaN",
      "1e400", "-1e400", "3e38", "3.4028235e38", "1e-400", "-0", "0", "2147483648", "-99999999999999999999",
      "1.5", "10.0", "true", "\"\"", "\" \"", "\"\\ud800\"", "\"\\u0000\"", "\"10\"", "[]", "[null]", "{}",
      "[[null]]", "[1e400]", "[\"x\"]", "{\"a\":1}", "\"" + "x".repeat(600) + "\"",
      "[" + String.join(",", Collections.nCopies(64, "3e38")) + "]", "\"eyJwaXQiOiJ4In0\"", "[1,2,");
  private static final List<String> FIELD_NAMES = List.of("id", "ids", "vector", "vectors", "text", "k", "reverse",
      "restrictIds", "restrict_ids", "restrictLabelIds", "restrict_label_ids", "sampleIds", "sample_ids",
      "labelIds", "pageSize", "page_size", "pageToken", "brainKey", "name", "dims", "metric", "indexOptions",
      "restrictIdz", "vector ", "", "\u00e9", "__proto__");

  private record Target(Class<?> type, List<String> seeds) {
  }

  private static final List<Target> TARGETS = List.of(
      new Target(SortBySimilarityRequest.class, List.of(
          "{\"vector\": [0.1, -0.2, 0.3, 0.4], \"k\": 5}",
          "{\"ids\": [\"a\", \"b\"], \"restrictIds\": [\"a\", \"c\"], \"reverse\": true}",
          "{\"vectors\": [[1, 2], [3, 4]], \"restrict_ids\": [\"s1\"]}",
          "{\"id\": \"s1\", \"restrictLabelIds\": [\"l1\"], \"k\": 10000}",
          "{\"text\": \"a dog\"}")),
      new Target(EmbeddingsRequest.class, List.of(
          "{\"sampleIds\": [\"a\", \"b\"]}", "{\"labelIds\": [\"l\"]}", "{\"pageSize\": 10, \"pageToken\": \"abc\"}",
          "{}")),
      new Target(CreateRunRequest.class, List.of(
          "{\"brainKey\": \"b\", \"dims\": 4, \"metric\": \"cosine\", \"indexOptions\": \"int8_hnsw\"}")),
      new Target(RunHandlers.RenameRequest.class, List.of("{\"brainKey\": \"x\"}")),
      new Target(DatasetHandlers.RegisterDatasetRequest.class, List.of("{\"name\": \"d\"}")));

  @Test
  void everyMutatedBodyIsARequestOrA400() {
    Random random = new Random(SEED);
    int parsed = 0;
    int refused = 0;
    for (Target target : TARGETS) {
      for (String seed : target.seeds()) {
        for (int i = 0; i < CASES_PER_SEED; i++) {
          String body = mutate(seed, random);
          if (outcome(target.type(), body)) {
            parsed++;
          } else {
            refused++;
          }
        }
      }
    }
    // Both outcomes must really occur, or the mutations test nothing.
    assertThat(parsed).as("bodies parsed").isGreaterThan(300);
    assertThat(refused).as("bodies refused").isGreaterThan(5_000);
  }

  @Test
  void theBodiesThatBrokeTheApiAreNamed400s() {
    String vector = "[" + String.join(",", Collections.nCopies(64, "3e38")) + "]";
    expect400(SortBySimilarityRequest.class, "{\"vectors\": [null]}", "'vectors[0]' must not be null");
    expect400(SortBySimilarityRequest.class, "{\"ids\": [null]}", "'ids[0]' must not be null");
    expect400(SortBySimilarityRequest.class, "{\"id\": \"s\", \"restrictIds\": [\"a\", null]}",
        "'restrictIds[1]' must not be null");
    expect400(SortBySimilarityRequest.class, "{\"vector\": [1e400, 1]}", "vector[0] is not a finite float");
    expect400(SortBySimilarityRequest.class, "{\"vector\": [\"NaN\", 1]}", "vector[0] is not a finite float");
    expect400(SortBySimilarityRequest.class, "{\"vector\": [NaN, 1]}", "Non-standard token 'NaN'");
    expect400(SortBySimilarityRequest.class, "{\"vector\": " + vector + "}", "vector is too long");
    expect400(SortBySimilarityRequest.class, "{\"vectors\": [[1, 2], " + vector + "]}", "vectors[1] is too long");
    expect400(SortBySimilarityRequest.class, "{\"vector\": [1, 2], \"restrictIdz\": []}",
        "unknown field 'restrictIdz'");
    expect400(SortBySimilarityRequest.class, "{\"id\": \"\"}", "missing field: id");
    expect400(SortBySimilarityRequest.class, "{\"ids\": [\"" + "x".repeat(DocumentIds.MAX_UTF8_BYTES + 1) + "\"]}",
        "ids[0] 'x");
    expect400(SortBySimilarityRequest.class, "{\"id\": \"s\", \"k\": 1.5}", "field 'k'");
    expect400(SortBySimilarityRequest.class, "{\"id\": \"s\", \"k\": \"10\"}", "field 'k'");
    expect400(SortBySimilarityRequest.class, "{\"id\": \"s\", \"k\": 1, \"k\": 2}", "Duplicate field 'k'");
    expect400(EmbeddingsRequest.class, "{\"sampleIds\": [\"a\", null]}", "'sampleIds[1]' must not be null");
    expect400(EmbeddingsRequest.class, "{\"pageToken\": 5}", "field 'pageToken'");
  }

  @Test
  void fiftyOneSnakeCaseAliasesAreAccepted() {
    SortBySimilarityRequest search = JsonIO.parse(
        bytes("{\"vector\": [1, 2], \"restrict_ids\": [\"a\"], \"restrict_label_ids\": [\"l\"]}"),
        SortBySimilarityRequest.class);
    assertThat(search.restrictIds()).containsExactly("a");
    assertThat(search.restrictLabelIds()).containsExactly("l");
    EmbeddingsRequest embeddings = JsonIO.parse(
        bytes("{\"page_size\": 3, \"page_token\": \"t\", \"sample_ids\": [\"s\"], \"label_ids\": [\"l\"]}"),
        EmbeddingsRequest.class);
    assertThat(embeddings).isEqualTo(new EmbeddingsRequest(List.of("s"), List.of("l"), 3, "t", null));
  }

  /** True when parsed, false when refused with a 400; fails the test on anything else. */
  private static boolean outcome(Class<?> type, String body) {
    try {
      Object request = JsonIO.parse(bytes(body), type);
      assertThat(request).as(body).isInstanceOf(type);
      if (request instanceof SortBySimilarityRequest search) {
        assertSafe(search, body);
      }
      return true;
    } catch (BadRequestException e) {
      assertThat(e.status()).isEqualTo(400);
      assertThat(e.getMessage()).as(body).isNotBlank().doesNotContain("\tat ");
      return false;
    } catch (RuntimeException | AssertionError e) {
      fail("body " + body + " for " + type.getSimpleName() + " failed with " + e, e);
      return false;
    }
  }

  /** What reaches the search service: no nulls in lists, finite vectors, valid ids. */
  private static void assertSafe(SortBySimilarityRequest request, String body) {
    List<float[]> vectors = new ArrayList<>();
    if (request.vector() != null) {
      vectors.add(request.vector());
    }
    if (request.vectors() != null) {
      vectors.addAll(request.vectors());
    }
    for (float[] vector : vectors) {
      assertThat(vector).as(body).isNotNull();
      double squaredLength = 0;
      for (float v : vector) {
        assertThat(Float.isFinite(v)).as(body).isTrue();
        squaredLength += (double) v * v;
      }
      assertThat(squaredLength).as(body).isLessThanOrEqualTo(Float.MAX_VALUE);
    }
    for (List<String> ids : java.util.Arrays.asList(request.ids(), request.restrictIds(), request.restrictLabelIds())) {
      if (ids != null) {
        ids.forEach(id -> assertThat(DocumentIds.problem("id", id)).as(body).isEmpty());
      }
    }
  }

  private static String mutate(String seed, Random random) {
    String body = seed;
    int rounds = 1 + random.nextInt(3);
    for (int round = 0; round < rounds; round++) {
      body = switch (random.nextInt(6)) {
        case 0, 1 -> replaceValue(body, random);
        case 2 -> addField(body, random);
        case 3 -> growArray(body, random);
        case 4 -> duplicateField(body, random);
        default -> damageBytes(body, random);
      };
    }
    return body;
  }

  /** Some value (the root, a field, an array element) becomes one of {@link #NASTY}. */
  private static String replaceValue(String body, Random random) {
    JsonNode root = tree(body);
    if (root == null) {
      return damageBytes(body, random);
    }
    List<JsonNode> containers = new ArrayList<>();
    collectContainers(root, containers);
    String nasty = NASTY.get(random.nextInt(NASTY.size()));
    JsonNode container = containers.get(random.nextInt(containers.size()));
    if (container instanceof ObjectNode object && object.size() > 0) {
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      object.set(names.get(random.nextInt(names.size())), TextNode.valueOf(HOLE));
    } else if (container instanceof ArrayNode array && array.size() > 0) {
      array.set(random.nextInt(array.size()), TextNode.valueOf(HOLE));
    } else {
      return nasty;
    }
    return fill(root, nasty);
  }

  private static String addField(String body, Random random) {
    JsonNode root = tree(body);
    if (!(root instanceof ObjectNode object)) {
      return damageBytes(body, random);
    }
    object.set(FIELD_NAMES.get(random.nextInt(FIELD_NAMES.size())), TextNode.valueOf(HOLE));
    return fill(object, NASTY.get(random.nextInt(NASTY.size())));
  }

  /** An array gets a null, or its first element 64 times (float overflow of the norm). */
  private static String growArray(String body, Random random) {
    JsonNode root = tree(body);
    if (root == null) {
      return damageBytes(body, random);
    }
    List<JsonNode> containers = new ArrayList<>();
    collectContainers(root, containers);
    List<ArrayNode> arrays = containers.stream().filter(ArrayNode.class::isInstance).map(ArrayNode.class::cast)
        .toList();
    if (arrays.isEmpty()) {
      return addField(body, random);
    }
    ArrayNode array = arrays.get(random.nextInt(arrays.size()));
    if (random.nextBoolean() || array.isEmpty()) {
      array.insertNull(array.isEmpty() ? 0 : random.nextInt(array.size() + 1));
    } else {
      JsonNode first = array.get(0);
      for (int i = 0; i < 63; i++) {
        array.add(first.deepCopy());
      }
    }
    return root.toString();
  }

  private static String duplicateField(String body, Random random) {
    int brace = body.indexOf('{');
    Iterator<String> names = tree(body) instanceof ObjectNode object ? object.fieldNames() : null;
    if (brace < 0 || names == null || !names.hasNext()) {
      return damageBytes(body, random);
    }
    return body.substring(0, brace + 1) + "\"" + names.next() + "\": " + NASTY.get(random.nextInt(NASTY.size()))
        + ", " + body.substring(brace + 1);
  }

  private static String damageBytes(String body, Random random) {
    if (body.isEmpty()) {
      return "{";
    }
    int at = random.nextInt(body.length());
    return switch (random.nextInt(3)) {
      case 0 -> body.substring(0, at);
      case 1 -> body.substring(0, at) + "{}[],:\"\\0-e.\u00ff\ud800".charAt(random.nextInt(14)) + body.substring(at);
      default -> body.substring(0, at) + body.substring(at + 1);
    };
  }

  private static void collectContainers(JsonNode node, List<JsonNode> out) {
    out.add(node);
    if (node.isContainerNode()) {
      node.forEach(child -> collectContainers(child, out));
    }
  }

  private static String fill(JsonNode root, String raw) {
    return root.toString().replace(Json.MAPPER.valueToTree(HOLE).toString(), raw);
  }

  private static JsonNode tree(String body) {
    try {
      JsonNode node = Json.MAPPER.readTree(body);
      return node != null && node.isContainerNode() ? node : null;
    } catch (Exception e) {
      return null;
    }
  }

  private static void expect400(Class<?> type, String body, String messagePart) {
    assertThatThrownBy(() -> JsonIO.parse(bytes(body), type)).as(body)
        .isInstanceOfSatisfying(BadRequestException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.getMessage()).contains(messagePart);
        });
  }

  private static byte[] bytes(String body) {
    return body.getBytes(StandardCharsets.UTF_8);
  }
}
