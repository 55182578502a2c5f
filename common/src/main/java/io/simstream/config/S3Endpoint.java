package io.simstream.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Checks {@link Settings#S3_ENDPOINT} at start: empty (AWS's own endpoints), or an absolute http(s) URL with a
 * host, such as a MinIO server's. The SDK would otherwise reject a typo only at the first s3:// image.
 */
final class S3Endpoint {
  private S3Endpoint() {
  }

  static String parse(String raw) {
    String value = raw.trim();
    if (value.isEmpty()) {
      return value;
    }
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw new Setting.Rejected("not a URL (" + e.getMessage() + ")");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new Setting.Rejected("the URL must start with http:// or https://");
    }
    if (uri.getHost() == null) {
      throw new Setting.Rejected("the URL has no host");
    }
    return value;
  }
}
