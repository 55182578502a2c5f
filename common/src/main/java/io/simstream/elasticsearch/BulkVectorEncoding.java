package io.simstream.elasticsearch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.dataformat.smile.SmileFactory;
import io.simstream.event.EventVectors;
import io.simstream.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.http.entity.ContentType;
import org.apache.http.nio.entity.NByteArrayEntity;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.RequestOptions;
import org.elasticsearch.client.RestClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a bulk request body carries dense vectors, chosen once from the cluster's version. Both forms
 * send float32 values as they are, never as decimal text: formatting and parsing 512 decimals per
 * document was the largest cost of a write on both sides. Elasticsearch 9.3 and later take a base64
 * string of the big-endian float32 values in JSON (elastic/elasticsearch#137072); every version takes
 * SMILE (binary JSON) bodies, whose numbers are raw float32, so older clusters get those.
 */
public enum BulkVectorEncoding {
  /** SMILE documents separated by 0xFF, vectors as arrays of binary float32: every version takes it. */
  SMILE_FLOAT32(new SmileFactory(), ContentType.create("application/smile"), (byte) 0xFF),
  /** NDJSON, vectors as base64 strings of big-endian float32 (as {@code EventVectors.Writer.toBase64}): 9.3+. */
  BASE64_FLOAT32(new JsonFactory(), ContentType.create("application/x-ndjson", java.nio.charset.StandardCharsets.UTF_8),
      (byte) '\n');

  private static final Logger LOG = LoggerFactory.getLogger(BulkVectorEncoding.class);
  private static final Pattern MAJOR_MINOR = Pattern.compile("^(\\d+)\\.(\\d+)");
  /** Elasticsearch answers in the request's content type unless told otherwise. */
  private static final RequestOptions JSON_RESPONSE = RequestOptions.DEFAULT.toBuilder()
      .addHeader("Accept", "application/json").build();

  private final JsonFactory factory;
  private final ContentType contentType;
  private final byte separator;

  BulkVectorEncoding(JsonFactory factory, ContentType contentType, byte separator) {
    // A line's generator is closed at the end of the line; the body it writes into stays open.
    this.factory = factory.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    this.contentType = contentType;
    this.separator = separator;
  }

  /** The encoding for a cluster of this {@code version.number}; SMILE when it cannot be read. */
  public static BulkVectorEncoding forVersion(String versionNumber) {
    Matcher matcher = MAJOR_MINOR.matcher(versionNumber == null ? "" : versionNumber);
    if (!matcher.find()) {
      return SMILE_FLOAT32;
    }
    int major = Integer.parseInt(matcher.group(1));
    int minor = Integer.parseInt(matcher.group(2));
    return major > 9 || (major == 9 && minor >= 3) ? BASE64_FLOAT32 : SMILE_FLOAT32;
  }

  /** The encoding every node of these versions takes; SMILE for no node. */
  public static BulkVectorEncoding forNodeVersions(List<String> versions) {
    return versions.isEmpty() || versions.stream().anyMatch(v -> forVersion(v) == SMILE_FLOAT32)
        ? SMILE_FLOAT32 : BASE64_FLOAT32;
  }

  /**
   * Asks the cluster for its nodes' versions ({@code GET /_nodes}, filtered to them) and picks the
   * encoding all of them take: a rolling upgrade to 9.3 keeps SMILE until the last node is upgraded
   * (the primary and replica shards parse the document). A cluster that cannot be asked (down, or an
   * API key without the cluster {@code monitor} privilege) gets SMILE, which every version takes: the
   * caller starts all the same.
   */
  public static BulkVectorEncoding detect(RestClient rest) {
    List<String> versions = new ArrayList<>();
    Request request = new Request("GET", "/_nodes");
    request.addParameter("filter_path", "nodes.*.version");
    try (InputStream in = rest.performRequest(request).getEntity().getContent()) {
      Json.MAPPER.readTree(in).path("nodes").forEach(node -> versions.add(node.path("version").asText(null)));
    } catch (IOException | RuntimeException e) {
      LOG.warn("Cannot read the Elasticsearch version ({}): bulk requests are sent as SMILE",
          ElasticsearchFailures.describe(e));
      return SMILE_FLOAT32;
    }
    BulkVectorEncoding encoding = forNodeVersions(versions);
    LOG.info("Elasticsearch nodes at {}: bulk requests are sent as {}", versions,
        encoding == BASE64_FLOAT32 ? "NDJSON with base64 float32 vectors" : "SMILE");
    return encoding;
  }

  /**
   * The parts of a bulk response a writer reads (whether any item failed, each item's status and error),
   * so Elasticsearch does not return every item's index, id, version and shard counts.
   */
  public static final String ITEM_OUTCOMES_FILTER_PATH =
      "errors,items.*.status,items.*.error.type,items.*.error.reason";

  /**
   * A {@code POST /_bulk} of a body written in this form, answered in JSON whatever the body's form. The body is
   * an {@link NByteArrayEntity}, which the async client writes to the socket whole; a plain entity goes 4 KiB per
   * reactor turn, and on a busy CPU Elasticsearch then reads it in as many pieces.
   */
  public Request bulkRequest(byte[] body) {
    Request request = new Request("POST", "/_bulk");
    request.setEntity(new NByteArrayEntity(body, contentType));
    request.setOptions(JSON_RESPONSE);
    return request;
  }

  /** Writes the vector as the value of the generator's current field or array slot. */
  public void writeVector(JsonGenerator generator, float[] vector) throws IOException {
    if (this == BASE64_FLOAT32) {
      generator.writeString(EventVectors.Writer.toBase64(vector));
      return;
    }
    generator.writeStartArray(vector, vector.length);
    for (float value : vector) {
      generator.writeNumber(value);
    }
    generator.writeEndArray();
  }

  /** Bytes a vector of {@code dims} values takes in a bulk body (SMILE: a type byte, then 32 bits in 5 bytes of 7). */
  public long vectorBytes(int dims) {
    return this == BASE64_FLOAT32 ? 2 + 4L * ((4L * dims + 2) / 3) : 2 + 6L * dims;
  }

  JsonFactory factory() {
    return factory;
  }

  byte separator() {
    return separator;
  }
}
