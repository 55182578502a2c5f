package io.simstream.elasticsearch;

import io.simstream.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.RestClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a dense vector is written in a bulk request's document, chosen once from the cluster's version.
 * Elasticsearch 9.3 and later take a base64 string of the float32 values in big-endian order
 * (elastic/elasticsearch#137072): half the bytes of decimal text, and neither side formats or parses
 * 512 decimals per document. 8.x refuses the string, so older clusters get decimal arrays.
 */
public enum BulkVectorEncoding {
  /** A JSON array of decimal numbers: every version takes it. */
  DECIMAL_ARRAY,
  /** A base64 string of the big-endian float32 values (as {@code EventVectors.Writer.toBase64}): 9.3+. */
  BASE64_FLOAT32;

  private static final Logger LOG = LoggerFactory.getLogger(BulkVectorEncoding.class);
  private static final Pattern MAJOR_MINOR = Pattern.compile("^(\\d+)\\.(\\d+)");

  /** The encoding for a cluster of this {@code version.number}; decimal arrays when it cannot be read. */
  public static BulkVectorEncoding forVersion(String versionNumber) {
    Matcher matcher = MAJOR_MINOR.matcher(versionNumber == null ? "" : versionNumber);
    if (!matcher.find()) {
      return DECIMAL_ARRAY;
    }
    int major = Integer.parseInt(matcher.group(1));
    int minor = Integer.parseInt(matcher.group(2));
    return major > 9 || (major == 9 && minor >= 3) ? BASE64_FLOAT32 : DECIMAL_ARRAY;
  }

  /** The encoding every node of these versions takes; decimal arrays for no node. */
  public static BulkVectorEncoding forNodeVersions(List<String> versions) {
    return versions.isEmpty() || versions.stream().anyMatch(v -> forVersion(v) == DECIMAL_ARRAY)
        ? DECIMAL_ARRAY : BASE64_FLOAT32;
  }

  /**
   * Asks the cluster for its nodes' versions ({@code GET /_nodes}, filtered to them) and picks the
   * encoding all of them take: a rolling upgrade to 9.3 keeps decimal arrays until the last node is
   * upgraded (the primary and replica shards parse the document). A cluster that cannot be asked
   * (down, or an API key without the cluster {@code monitor} privilege) gets decimal arrays, which
   * every version takes: the caller starts all the same.
   */
  public static BulkVectorEncoding detect(RestClient rest) {
    List<String> versions = new ArrayList<>();
    Request request = new Request("GET", "/_nodes");
    request.addParameter("filter_path", "nodes.*.version");
    try (InputStream in = rest.performRequest(request).getEntity().getContent()) {
      Json.MAPPER.readTree(in).path("nodes").forEach(node -> versions.add(node.path("version").asText(null)));
    } catch (IOException | RuntimeException e) {
      LOG.warn("Cannot read the Elasticsearch version ({}): bulk requests carry vectors as decimal arrays",
          ElasticsearchFailures.describe(e));
      return DECIMAL_ARRAY;
    }
    BulkVectorEncoding encoding = forNodeVersions(versions);
    LOG.info("Elasticsearch nodes at {}: bulk requests carry vectors as {}", versions,
        encoding == BASE64_FLOAT32 ? "base64 float32 strings" : "decimal arrays");
    return encoding;
  }

  /** Bytes a vector of {@code dims} values takes in a bulk body (decimal: about 12 per value). */
  public long vectorBytes(int dims) {
    return this == BASE64_FLOAT32 ? 2 + 4L * ((4L * dims + 2) / 3) : 12L * dims;
  }
}
