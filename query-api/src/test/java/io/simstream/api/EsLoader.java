package io.simstream.api;

import com.fasterxml.jackson.core.JsonGenerator;
import io.simstream.elasticsearch.BulkBodyWriter;
import io.simstream.elasticsearch.BulkVectorEncoding;
import io.simstream.elasticsearch.PatchDocumentId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.apache.http.HttpHost;
import org.apache.http.util.EntityUtils;
import org.elasticsearch.client.RestClient;

/**
 * Loads documents straight into Elasticsearch with bulk requests, as the indexer would write them:
 * NDJSON with base64 float32 vectors to 9.3+, SMILE before ({@link BulkVectorEncoding}).
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
    try (RestClient rest = RestClient.builder(HttpHost.create(TestBackends.elasticsearch())).build()) {
      for (int from = 0; from < docs.size(); from += BULK) {
        BulkBodyWriter body = new BulkBodyWriter(encoding(), 1 << 20);
        for (Doc doc : docs.subList(from, Math.min(docs.size(), from + BULK))) {
          String id = doc.labelId() == null ? doc.id() : PatchDocumentId.of(doc.sampleId(), doc.labelId());
          body.nextLine().writeObject(Map.of("index", Map.of("_index", index, "_id", id)));
          JsonGenerator source = body.nextLine();
          source.writeStartObject();
          source.writeStringField("sample_id", doc.sampleId());
          if (doc.labelId() != null) {
            source.writeStringField("label_id", doc.labelId());
          }
          body.writeVector("vector", doc.vector());
          if (doc.summary() != null) {
            source.writeObjectField("summary", doc.summary());
          }
          source.writeEndObject();
        }
        String response = EntityUtils.toString(rest.performRequest(encoding().bulkRequest(body.toByteArray()))
            .getEntity());
        if (response.contains("\"errors\":true")) {
          throw new IllegalStateException("bulk failed: " + response.substring(0, Math.min(500, response.length())));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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
}
