package io.simstream.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.simstream.config.SimstreamConfig;
import java.util.Map;
import org.apache.http.HttpHost;
import org.elasticsearch.client.Node;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.Test;

/** The hosts the client is built with; building it connects to nothing. */
class ElasticsearchClientsTest {

  @Test
  void anHttpsHostWithoutPortIsReachedOn443AndAnHttpOneOn9200() throws Exception {
    SimstreamConfig config = SimstreamConfig.load(Map.of("SIMSTREAM_ES_HOSTS",
        "https://my-deployment.es.us-central1.gcp.cloud.es.io,http://es-local,https://es-tls:9243"));
    ElasticsearchClient client = ElasticsearchClients.create(config);
    try (RestClient rest = ElasticsearchClients.restClient(client)) {
      assertThat(rest.getNodes()).extracting(Node::getHost).containsExactly(
          new HttpHost("my-deployment.es.us-central1.gcp.cloud.es.io", 443, "https"),
          new HttpHost("es-local", 9200, "http"),
          new HttpHost("es-tls", 9243, "https"));
    }
  }
}
