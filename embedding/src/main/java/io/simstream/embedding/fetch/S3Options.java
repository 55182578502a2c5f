package io.simstream.embedding.fetch;

import io.simstream.config.Settings;
import io.simstream.config.SimstreamConfig;
import java.net.URI;
import java.util.Objects;

/**
 * Where s3:// images are read from. Credentials are not here: they come from the AWS SDK's default chain
 * (environment, system properties, profile files, container or instance roles).
 *
 * @param endpoint  an S3-compatible server such as MinIO; null for AWS S3 itself
 * @param region    the buckets' region; empty for the SDK's region chain, else us-east-1
 * @param pathStyle address objects as endpoint/bucket/key (what most S3-compatible servers expect)
 */
public record S3Options(URI endpoint, String region, boolean pathStyle) {

  public S3Options {
    Objects.requireNonNull(region, "region");
  }

  /** AWS S3, region from the SDK's chain, virtual-host addressing. */
  public static S3Options defaults() {
    return new S3Options(null, "", false);
  }

  /** {@code s3.endpoint}, {@code s3.region} and {@code s3.path-style} of simstream's configuration. */
  public static S3Options from(SimstreamConfig config) {
    String endpoint = config.get(Settings.S3_ENDPOINT);
    return new S3Options(endpoint.isEmpty() ? null : URI.create(endpoint), config.get(Settings.S3_REGION),
        config.get(Settings.S3_PATH_STYLE));
  }
}
