package io.simstream.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses {@link Settings#ES_HOSTS}: comma-separated {@code http(s)://host[:port]} URLs, a bare {@code host[:port]}
 * meaning http. A missing port is the scheme's: 443 for https (Elastic Cloud endpoints have none), 9200 for http
 * (Elasticsearch's own). Every URL comes back with scheme, host and port explicit.
 */
final class ElasticsearchUrls {
  static final int HTTPS_DEFAULT_PORT = 443;
  static final int HTTP_DEFAULT_PORT = 9200;

  private ElasticsearchUrls() {
  }

  static List<URI> parse(String raw) {
    List<URI> urls = new ArrayList<>();
    for (String entry : raw.split(",")) {
      if (!entry.isBlank()) {
        urls.add(parseOne(entry.trim()));
      }
    }
    if (urls.isEmpty()) {
      throw new Setting.Rejected("no URL given");
    }
    return List.copyOf(urls);
  }

  private static URI parseOne(String entry) {
    URI uri;
    try {
      uri = new URI(entry.contains("://") ? entry : "http://" + entry);
    } catch (URISyntaxException e) {
      throw new Setting.Rejected("'" + entry + "' is not a URL (" + e.getReason() + ")");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new Setting.Rejected("'" + entry + "' must start with http:// or https://");
    }
    if (uri.getHost() == null) {
      throw new Setting.Rejected("'" + entry + "' has no valid host name");
    }
    if (uri.getRawUserInfo() != null) {
      // The client would drop them silently; credentials have their own (secret) settings.
      throw new Setting.Rejected("'" + entry + "' holds credentials: use " + Settings.ES_USERNAME.envName() + "/"
          + Settings.ES_PASSWORD.envName() + " or " + Settings.ES_API_KEY.envName());
    }
    if ((uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/"))
        || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new Setting.Rejected("'" + entry + "' has a path, query or fragment; only scheme, host and port are used");
    }
    int port = uri.getPort();
    if (port == -1) {
      port = scheme.equals("https") ? HTTPS_DEFAULT_PORT : HTTP_DEFAULT_PORT;
    } else if (port < 1 || port > 65_535) {
      throw new Setting.Rejected("'" + entry + "' has port " + port + ", not in [1, 65535]");
    }
    return URI.create(scheme + "://" + uri.getHost() + ":" + port);
  }
}
