package io.simstream.api.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.json.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Fetches stored documents by id with mget, in batches so that a long id list stays a modest request. */
public final class VectorLookup {
  private static final int BATCH = 1000;

  private final ElasticsearchGateway es;

  public VectorLookup(ElasticsearchGateway es) {
    this.es = es;
  }

  /** The documents found, in request order; ids that are not in the index are absent. */
  public Map<String, IndexDocument> byIds(String index, List<String> ids) {
    Map<String, IndexDocument> found = new LinkedHashMap<>();
    for (int from = 0; from < ids.size(); from += BATCH) {
      ObjectNode body = Json.MAPPER.createObjectNode();
      ids.subList(from, Math.min(ids.size(), from + BATCH)).forEach(body.putArray("ids")::add);
      JsonNode response = es.readVectors("POST", new ElasticsearchGateway.Read(endpoint(index, false), body),
          new ElasticsearchGateway.Read(endpoint(index, true), body),
          r -> IndexDocument.anyWithoutVector(r.path("docs")));
      for (JsonNode doc : response.path("docs")) {
        if (doc.path("found").asBoolean(false)) {
          IndexDocument document = IndexDocument.fromHit(doc);
          found.put(document.id(), document);
        }
      }
    }
    return found;
  }

  /** The vector is named in the includes (enough on 8.19 and 9.5); the 9.x option when needed. */
  private static String endpoint(String index, boolean sourceVectorsOption) {
    return "/" + index + "/_mget?_source_includes=" + String.join(",", IndexDocument.SOURCE_FIELDS)
        + (sourceVectorsOption ? "&_source_exclude_vectors=false" : "");
  }
}
