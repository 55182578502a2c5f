package io.simstream.api.elasticsearch;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.json.Json;
import java.util.List;

/**
 * A filter matching documents whose field is one of many ids. One {@code terms} clause may hold at
 * most {@code index.max_terms_count} (65,536 by default) values, the limit that breaks the
 * reference past 65,536 ids, so larger sets become several clauses under a bool {@code should}.
 */
public final class IdFilters {
  public static final int MAX_TERMS_PER_CLAUSE = 65_536;

  private IdFilters() {
  }

  public static ObjectNode anyOf(String field, List<String> ids) {
    if (ids.size() <= MAX_TERMS_PER_CLAUSE) {
      return terms(field, ids);
    }
    ObjectNode bool = Json.MAPPER.createObjectNode();
    ObjectNode inner = bool.putObject("bool");
    ArrayNode should = inner.putArray("should");
    for (int from = 0; from < ids.size(); from += MAX_TERMS_PER_CLAUSE) {
      should.add(terms(field, ids.subList(from, Math.min(ids.size(), from + MAX_TERMS_PER_CLAUSE))));
    }
    inner.put("minimum_should_match", 1);
    return bool;
  }

  private static ObjectNode terms(String field, List<String> ids) {
    ObjectNode terms = Json.MAPPER.createObjectNode();
    ArrayNode values = terms.putObject("terms").putArray(field);
    ids.forEach(values::add);
    return terms;
  }
}
