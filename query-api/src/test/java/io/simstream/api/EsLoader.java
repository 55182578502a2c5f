package io.simstream.api;

import io.simstream.elasticsearch.BulkVectorEncoding;
import io.simstream.elasticsearch.PatchDocumentId;
import io.simstream.event.EventVectors;
import io.simstream.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.http.HttpHost;
import org.elasticsearch.client.RestClient;

/**
 * Loads documents straight into Elasticsearch with bulk requests, as the indexer would write them:
 * vectors as base64 float32 strings to 9.3+, as arrays before ({@link BulkVectorEncoding}).
 */
final class EsLoader {
  private static final int BULK = 5000;
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static volatile BulkVectorEncoding encoding;

  private EsLoader() {
  }

  /**
   * A document: its id as the API reports it (the sample id, or the label id of a patch), the sample
   * it belongs to, its label id (patches only, else null), its vector, and the indexer's summary
   * object (image_uri, and field, label, bounding_box of a patch; null: none, as an older indexer
   * wrote). Patches are stored under the indexer's {@link PatchDocumentId}.
   */
  record Doc(String id, String sampleId, String labelId, float[] vector, Map<String, Object> summary) {
    Doc(String id, String sampleId, String labelId, float[] vector) {
      this(id, sampleId, labelId, vector, null);
    }
  }

  static void load(String index, List<Doc> docs) {
    for (int from = 0; from < docs.size(); from += BULK) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      for (Doc doc : docs.subList(from, Math.min(docs.size(), from + BULK))) {
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("sample_id", doc.sampleId());
        if (doc.labelId() != null) {
          source.put("label_id", doc.labelId());
        }
        source.put("vector", encoding() == BulkVectorEncoding.BASE64_FLOAT32
            ? EventVectors.Writer.toBase64(doc.vector()) : doc.vector());
        if (doc.summary() != null) {
          source.put("summary", doc.summary());
        }
        String id = doc.labelId() == null ? doc.id() : PatchDocumentId.of(doc.sampleId(), doc.labelId());
        write(body, Map.of("index", Map.of("_id", id)));
        write(body, source);
      }
      String response = send("POST", "/" + index + "/_bulk", body.toByteArray(), "application/x-ndjson");
      if (response.contains("\"errors\":true")) {
        throw new IllegalStateException("bulk failed: " + response.substring(0, Math.min(500, response.length())));
      }
    }
    send("POST", "/" + index + "/_refresh", new byte[0], "application/json");
  }

  /** The encoding the indexer picks for the test node, asked once. */
  static BulkVectorEncoding encoding() {
    if (encoding == null) {
      try (RestClient rest = RestClient.builder(HttpHost.create(TestBackends.elasticsearch())).build()) {
        encoding = BulkVectorEncoding.detect(rest);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return encoding;
  }

  static String send(String method, String path, byte[] body, String contentType) {
    try {
      HttpRequest request = HttpRequest.newBuilder(URI.create(TestBackends.elasticsearch() + path))
          .header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofByteArray(body)).build();
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void write(ByteArrayOutputStream out, Object line) {
    try {
      out.write(Json.MAPPER.writeValueAsBytes(line));
      out.write('\n');
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
