package io.simstream.api.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.json.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NewestWritesTest {
  private static JsonNode hit(long primaryTerm, long seqNo) {
    return Json.MAPPER.createObjectNode().put("_primary_term", primaryTerm).put("_seq_no", seqNo);
  }

  @Test
  void aLabelHeldByTwoDocumentsAnswersWithTheOneWrittenLast() {
    NewestWrites<String> newest = new NewestWrites<>();
    newest.offer("label-1", hit(1, 7), "new owner");
    newest.offer("label-1", hit(1, 3), "old owner");
    newest.offer("label-2", hit(1, 9), "before failover");
    newest.offer("label-2", hit(2, 1), "after failover");

    assertThat(newest.inOrderOf(List.of("label-2", "missing", "label-1")))
        .containsExactly(Map.entry("label-2", "after failover"), Map.entry("label-1", "new owner"));
  }
}
