package io.simstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.simstream.event.SampleKey;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

class BulkFormCaseTest {
  private static int partitionOf(String id) {
    byte[] key = new SampleKey("ingest", id).toString().getBytes(StandardCharsets.UTF_8);
    return Utils.toPositive(Utils.murmur2(key)) % 3;
  }

  @Test
  void idsInPartitionOrderComeABulkOfOnePartitionAtATimeThePartitionsTakingTurns() {
    List<String> ids = RawBulkLoader.ids(3_000);

    List<String> order = BulkFormCase.inPartitionOrder(ids, 100);

    assertThat(order).containsExactlyInAnyOrderElementsOf(ids);
    for (int bulk = 0; bulk < 3; bulk++) {
      List<String> first = order.subList(bulk * 100, bulk * 100 + 100);
      assertThat(first).extracting(BulkFormCaseTest::partitionOf).containsOnly(partitionOf(first.get(0)));
      assertThat(first).isSortedAccordingTo((a, b) -> Integer.compare(ids.indexOf(a), ids.indexOf(b)));
    }
    assertThat(List.of(partitionOf(order.get(0)), partitionOf(order.get(100)), partitionOf(order.get(200))))
        .containsExactlyInAnyOrder(0, 1, 2);
  }
}
