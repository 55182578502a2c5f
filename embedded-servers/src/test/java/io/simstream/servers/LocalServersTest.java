package io.simstream.servers;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class LocalServersTest {

  @Test
  void startsEachServerOncePerJvm() throws Exception {
    LocalServers.startAll();

    assertThat(LocalServers.kafka()).isSameAs(LocalServers.kafka());
    assertThat(LocalServers.elasticsearch()).isSameAs(LocalServers.elasticsearch());
    assertThat(LocalServers.elasticsearch().version()).isEqualTo(LocalServers.esVersion());
    HttpResponse<String> health = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(LocalServers.elasticsearch().httpUrl() + "/_cluster/health")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(health.body()).containsPattern("\"status\":\"(green|yellow)\"");
  }
}
