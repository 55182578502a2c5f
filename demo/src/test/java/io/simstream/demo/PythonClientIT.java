package io.simstream.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.simstream.api.QueryApi;
import io.simstream.config.Settings;
import io.simstream.config.SimstreamConfig;
import io.simstream.event.SampleAdded;
import io.simstream.indexer.Indexer;
import io.simstream.json.Json;
import io.simstream.kafka.ChangeEventProducer;
import io.simstream.kafka.Topics;
import io.simstream.servers.LocalStackConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Runs the Python client's pytest suite (clients/python/tests) against the real stack: a dataset and
 * a run of known vectors are set up here, and the suite's live tests search, page, manage runs and
 * produce samples through the client, with the API's address in SIMSTREAM_PYTEST_* variables.
 */
class PythonClientIT {

  private static final String DATASET = "pyclient";
  private static final String BRAIN_KEY = "vec";
  private static final int DIMS = 8;
  private static final int SAMPLES = 23;
  private static final Duration PYTEST_TIMEOUT = Duration.ofMinutes(8);

  @Test
  void pythonClientTestsPassAgainstTheLiveApi(@TempDir Path stateDir, @TempDir Path reports) throws Exception {
    PythonTestInterpreter.Found found = PythonTestInterpreter.find();
    if (found.python().isEmpty()) {
      System.out.println("PythonClientIT skipped: " + found.report());
    } else if (!found.report().isEmpty()) {
      System.out.println("PythonClientIT: " + found.report());
    }
    Assumptions.assumeTrue(found.python().isPresent(), found.report());
    Path repo = repositoryRoot();

    SimstreamConfig config = LocalStackConfig.withStateDir(stateDir);
    String changesTopic = Topics.from(config).changes().name();
    try (Indexer indexer = Indexer.start(config);
         QueryApi api = QueryApi.start(config);
         ChangeEventProducer producer = new ChangeEventProducer(
             config.kafkaClientProperties(), Topics.from(config).changes())) {
      String apiUrl = "http://127.0.0.1:" + api.port();
      ApiClient client = new ApiClient(apiUrl);
      client.post("/v1/datasets", Map.of("name", DATASET));
      client.post("/v1/datasets/" + DATASET + "/similarity",
          Map.of("brainKey", BRAIN_KEY, "model", "precomputed", "metric", "cosine", "dims", DIMS));

      Map<String, float[]> vectors = knownVectors();
      vectors.forEach((id, vector) -> producer.send(new SampleAdded(1, DATASET, id, null,
          Map.of("default", vector), List.of(), Instant.now())));
      producer.flush();
      String run = "/v1/datasets/" + DATASET + "/similarity/" + BRAIN_KEY;
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
          .until(() -> client.get(run + "/size").path("size").asLong() == vectors.size());

      Path junitXml = reports.resolve("pytest.xml");
      PythonTestInterpreter.Outcome pytest = PythonTestInterpreter.run(
          List.of(found.python().get(), "-m", "pytest", "clients/python/tests", "-v", "-rs",
              "-p", "no:cacheprovider", "--junitxml=" + junitXml),
          PYTEST_TIMEOUT,
          Map.of("SIMSTREAM_PYTEST_API_URL", apiUrl,
              "SIMSTREAM_PYTEST_DATASET", DATASET,
              "SIMSTREAM_PYTEST_BRAIN_KEY", BRAIN_KEY,
              "SIMSTREAM_PYTEST_VECTORS", Json.MAPPER.writeValueAsString(vectors),
              "SIMSTREAM_PYTEST_BOOTSTRAP_SERVERS", config.get(Settings.KAFKA_BOOTSTRAP_SERVERS),
              "SIMSTREAM_PYTEST_CHANGES_TOPIC", changesTopic,
              "PYTHONDONTWRITEBYTECODE", "1"),
          repo);
      System.out.println("---- pytest (" + found.python().get() + ") ----\n" + pytest.output());

      assertThat(pytest.exitCode()).as("pytest exit code").isZero();
      // Exit code 0 would also hold if the live tests had skipped themselves: count those that ran.
      assertThat(liveTestsRun(junitXml)).as("live tests run against the API").isGreaterThanOrEqualTo(10);
    }
  }

  /** Deterministic vectors, so that the Python tests can compute the expected orders themselves. */
  private static Map<String, float[]> knownVectors() {
    Random random = new Random(13);
    Map<String, float[]> vectors = new LinkedHashMap<>();
    for (int i = 0; i < SAMPLES; i++) {
      float[] vector = new float[DIMS];
      for (int d = 0; d < DIMS; d++) {
        vector[d] = Math.round((random.nextFloat() * 2 - 1) * 1000) / 1000f;
      }
      vectors.put(String.format("s%02d", i), vector);
    }
    return vectors;
  }

  private static long liveTestsRun(Path junitXml) throws Exception {
    NodeList cases = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(junitXml.toFile())
        .getElementsByTagName("testcase");
    long run = 0;
    for (int i = 0; i < cases.getLength(); i++) {
      Element testCase = (Element) cases.item(i);
      if (testCase.getAttribute("classname").endsWith("test_live")
          && testCase.getElementsByTagName("skipped").getLength() == 0) {
        run++;
      }
    }
    return run;
  }

  private static Path repositoryRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("clients/python/tests"))) {
        return dir;
      }
    }
    throw new IllegalStateException("clients/python/tests not found above " + Path.of("").toAbsolutePath());
  }
}
