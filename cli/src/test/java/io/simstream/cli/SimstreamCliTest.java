package io.simstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit statuses and messages that need no server. */
class SimstreamCliTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return SimstreamCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  @Test
  void aMissingFolderExitsTwoNamingItBeforeAnyConnection(@TempDir Path dir) {
    Path missing = dir.resolve("photos");
    // No broker listens on this port: the input is checked before Kafka is needed.
    int status = run("produce", "-d", "cars", "--folder", missing.toString(), "--kafka", "127.0.0.1:1");

    assertThat(status).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(err.toString()).contains(missing.toString()).contains("does not exist");
  }

  @Test
  void anInvalidDatasetNameExitsTwoBeforeAnythingIsRegistered(@TempDir Path dir) {
    // No broker listens on this port: a name the API would refuse never reaches the datasets topic.
    int status = run("produce", "-d", "my pets", "--folder", dir.toString(), "--register-dataset",
        "--kafka", "127.0.0.1:1");

    assertThat(status).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(err.toString()).contains("my pets").contains("letters, digits");
  }

  @Test
  void usageErrorsExitTwo() {
    assertThat(run("produce", "-d", "cars")).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(err.toString()).contains("--folder").contains("--manifest").contains("--coco");
    assertThat(run("produce", "-d", "cars", "--folder", "a", "--manifest", "b")).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(run("produce", "-d", "cars", "--folder", "a", "--resend")).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(err.toString()).contains("--resend only applies with --sync");
  }

  @Test
  void aWaitTimeoutOutsideOneSecondToAWeekIsAUsageErrorBeforeAnyConnection(@TempDir Path dir) {
    // 0 or less timed out right after sending (exit 3); a huge value overflowed the deadline (exit 1).
    for (String timeout : List.of("0", "-5", "604801", String.valueOf(Long.MAX_VALUE))) {
      // No broker or API listens on these ports: the option is refused before either is asked.
      int status = run("produce", "-d", "cars", "--folder", dir.toString(), "--wait", "--wait-timeout", timeout,
          "--kafka", "127.0.0.1:1", "--api", "http://127.0.0.1:1");

      assertThat(status).as(timeout).isEqualTo(ExitCode.BAD_INPUT);
      assertThat(err.toString()).as(timeout)
          .contains("--wait-timeout must be 1 to 604800 seconds (a week), not " + timeout);
    }
  }

  @Test
  void anUnreachableApiExitsOne() {
    int status = run("runs", "list", "--api", "http://127.0.0.1:1");

    assertThat(status).isEqualTo(ExitCode.FAILURE);
    assertThat(err.toString()).contains("query API at http://127.0.0.1:1 unreachable");
  }

  @Test
  void anApiAddressThatIsNoHttpUrlExitsTwo() {
    int status = run("runs", "list", "--api", "localhost:8080");

    assertThat(status).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(err.toString()).contains("localhost:8080").contains("http://");
  }

  @Test
  void produceWithWaitChecksTheApiAddressBeforeAnyConnection(@TempDir Path dir) {
    // No broker listens on this port: the address is refused before anything could be sent.
    int status = run("produce", "-d", "cars", "--folder", dir.toString(), "--wait", "--api", "localhost:8080",
        "--kafka", "127.0.0.1:1");

    assertThat(status).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(err.toString()).contains("localhost:8080").contains("http://");
  }

  @Test
  void helpListsEverySubcommand() {
    assertThat(run("--help")).isEqualTo(ExitCode.OK);
    assertThat(out.toString()).contains("produce").contains("runs").contains("query");
  }

  @Test
  void produceWithWaitAndATokenTheApiRefusesExitsTwoBeforeAnythingIsSent(@TempDir Path dir) throws Exception {
    HttpServer api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    api.createContext("/", exchange -> {
      byte[] body = "{\"error\":\"missing or wrong bearer token\",\"status\":401}".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(401, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    api.start();
    try {
      // No broker listens on this port: found only after sending, the refusal came after the whole input.
      int status = run("produce", "-d", "cars", "--folder", dir.toString(), "--wait", "--api",
          "http://127.0.0.1:" + api.getAddress().getPort(), "--token", "wrong", "--kafka", "127.0.0.1:1");

      assertThat(status).isEqualTo(ExitCode.BAD_INPUT);
      assertThat(err.toString()).contains("answered 401").contains("wrong bearer token");
    } finally {
      api.stop(0);
    }
  }

  @Test
  void aProxysPageInsteadOfTheApisErrorIsCutShort() throws Exception {
    HttpServer proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    proxy.createContext("/", exchange -> {
      byte[] page = ("<html><body>Bad gateway" + "<p>filler</p>".repeat(1_000) + "</body></html>")
          .getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(502, page.length);
      exchange.getResponseBody().write(page);
      exchange.close();
    });
    proxy.start();
    try {
      int status = run("runs", "list", "--api", "http://127.0.0.1:" + proxy.getAddress().getPort());

      assertThat(status).isEqualTo(ExitCode.FAILURE);
      assertThat(err.toString()).contains("answered 502: <html><body>Bad gateway").hasSizeLessThan(1_000);
    } finally {
      proxy.stop(0);
    }
  }

  @Test
  void queryDistancesHaveAPointWhateverTheLocale() throws Exception {
    HttpServer api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    api.createContext("/", exchange -> {
      byte[] body = "{\"hits\":[{\"id\":\"a\",\"sampleId\":\"a\",\"distance\":0.1835}]}"
          .getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    api.start();
    Locale before = Locale.getDefault();
    try {
      // A German default printed 0,183500: another number to a script reading the table.
      Locale.setDefault(Locale.GERMANY);
      int status = run("query", "pets", "vec", "--id", "a", "--api", "http://127.0.0.1:" + api.getAddress().getPort());

      assertThat(status).isEqualTo(ExitCode.OK);
      assertThat(out.toString()).contains("  0.183500");
    } finally {
      Locale.setDefault(before);
      api.stop(0);
    }
  }
}
