package io.simstream.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import io.simstream.config.Settings;
import io.simstream.config.SimstreamConfig;
import io.simstream.json.Json;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import org.apache.http.Header;
import org.apache.http.HttpHost;
import org.apache.http.auth.AuthScope;
import org.apache.http.auth.UsernamePasswordCredentials;
import org.apache.http.impl.client.BasicCredentialsProvider;
import org.apache.http.message.BasicHeader;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.client.RestClientBuilder;

/** Builds the Elasticsearch client from configuration: hosts, basic auth or API key, CA file or fingerprint. */
public final class ElasticsearchClients {
  private ElasticsearchClients() {
  }

  public static ElasticsearchClient create(SimstreamConfig config) {
    HttpHost[] hosts = config.get(Settings.ES_HOSTS).stream()
        .map(url -> new HttpHost(url.getHost(), url.getPort(), url.getScheme())).toArray(HttpHost[]::new);
    RestClientBuilder builder = RestClient.builder(hosts);
    String apiKey = config.get(Settings.ES_API_KEY);
    if (!apiKey.isEmpty()) {
      builder.setDefaultHeaders(new Header[] {new BasicHeader("Authorization", "ApiKey " + apiKey)});
    }
    String user = config.get(Settings.ES_USERNAME);
    SSLContext ssl = sslContext(config);
    int timeoutMs = config.get(Settings.ES_TIMEOUT_MS);
    builder.setRequestConfigCallback(rc -> rc.setSocketTimeout(timeoutMs).setConnectTimeout(Math.min(timeoutMs, 5000)));
    builder.setHttpClientConfigCallback(http -> {
      if (apiKey.isEmpty() && !user.isEmpty()) {
        BasicCredentialsProvider credentials = new BasicCredentialsProvider();
        credentials.setCredentials(AuthScope.ANY,
            new UsernamePasswordCredentials(user, config.get(Settings.ES_PASSWORD)));
        http.setDefaultCredentialsProvider(credentials);
      }
      if (ssl != null) {
        http.setSSLContext(ssl);
      }
      // Enough connections for the indexer's concurrent bulks and the API's concurrent queries.
      return http.setMaxConnTotal(64).setMaxConnPerRoute(64);
    });
    RestClientTransport transport = new RestClientTransport(builder.build(), new JacksonJsonpMapper(Json.MAPPER));
    return new ElasticsearchClient(transport);
  }

  /** Null: the JDK's default trust (public CAs, as for Elastic Cloud). */
  private static SSLContext sslContext(SimstreamConfig config) {
    String caCert = config.get(Settings.ES_CA_CERT);
    if (!caCert.isEmpty()) {
      return ElasticsearchTrust.fromCaFile(Path.of(caCert));
    }
    String fingerprint = config.get(Settings.ES_CA_FINGERPRINT);
    return fingerprint.isEmpty() ? null : ElasticsearchTrust.fromFingerprint(fingerprint);
  }

  /** The low-level client under the typed one, for requests the typed API does not model. */
  public static RestClient restClient(ElasticsearchClient client) {
    return ((RestClientTransport) client._transport()).restClient();
  }
}
