package io.simstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ElasticsearchThreadCpuTest {

  /** Lines as Elasticsearch 8.19 prints them, the idle form and the other form included. */
  @Test
  void aReportIsSummedByThreadPoolFromTheCpuShareOfEachThread() {
    String report = """
        ::: {simstream-node}{abc}{127.0.0.1}{127.0.0.1:9300}
           Hot threads at 2026-12-04T14:25:08.352Z, interval=1s, busiestThreads=9999, ignoreIdleThreads=false:

            42.5% [cpu=40.0%, other=2.5%] (425ms out of 1s) cpu usage by thread 'elasticsearch[simstream-node][write][T#1]'
             1/1 snapshots sharing following 3 elements
               org.apache.lucene.index.IndexWriter.addDocument(IndexWriter.java:1)
            10.0% [cpu=10.0%, other=0.0%] (100ms out of 1s) cpu usage by thread 'elasticsearch[simstream-node][write][T#2]'
             5.1% [cpu=5.1%, other=0.0%] (51ms out of 1s) cpu usage by thread 'elasticsearch[simstream-node][refresh][T#1]'
             0.1% [cpu=0.1%, other=0.0%] (943.1micros out of 1s) cpu usage by thread 'elasticsearch[simstream-node][[timer]]'
             0.0% [cpu=0.0%, idle=100.0%] (1s out of 1s) cpu usage by thread 'elasticsearch[simstream-node][transport_worker][T#2]'
             3.0% [cpu=3.0%, other=0.0%] (30ms out of 1s) cpu usage by thread 'Cleaner-0'
        """;

    Map<String, Double> byPool = ElasticsearchThreadCpu.parse(report, Duration.ofSeconds(1));

    assertThat(byPool).containsOnlyKeys("write", "refresh", "timer", "Cleaner-#");
    assertThat(byPool.get("write")).isCloseTo(500.0, within(1e-9));
    assertThat(byPool.get("refresh")).isCloseTo(51.0, within(1e-9));
    assertThat(byPool.get("timer")).isCloseTo(1.0, within(1e-9));
    assertThat(ThreadCpu.busiest(byPool, 10_000)).startsWith("write 50.0, refresh 5.1, Cleaner-# 3.0");
  }
}
