package io.simstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class ThreadCpuTest {
  @Test
  void nativeThreadsNamedLikeAJavaThreadAreCountedBesideIt() {
    // ONNX Runtime's pool threads take the OS name of the Java thread that created them.
    List<ThreadCpu.Named> java = List.of(new ThreadCpu.Named("simstream-embedding", 5_000),
        new ThreadCpu.Named("simstream-image-loader-1-1", 700), new ThreadCpu.Named("simstream-image-loader-1-2", 800));
    List<ThreadCpu.Named> tasks = List.of(new ThreadCpu.Named("simstream-embed", 5_000),
        new ThreadCpu.Named("simstream-embed", 3_000), new ThreadCpu.Named("simstream-image", 700),
        new ThreadCpu.Named("simstream-image", 800), new ThreadCpu.Named("C2 CompilerThre", 400),
        new ThreadCpu.Named("java", 90));

    Map<String, Long> nanos = ThreadCpu.byGroup(java, tasks);

    assertThat(nanos).containsExactlyInAnyOrderEntriesOf(Map.of("simstream-embedding", 5_000L,
        "simstream-image-loader-#-#", 1_500L, "os:simstream-embed (native)", 3_000L, "os:C# CompilerThre", 400L,
        "os:java", 90L));
  }

  @Test
  void theMainThreadIsCountedOnceThoughItsOsNameIsTheLaunchers() {
    // The launcher's thread that runs main() keeps the OS name "java"; the first task is the idle primordial one.
    List<ThreadCpu.Named> java = List.of(new ThreadCpu.Named("main", 5_000));
    List<ThreadCpu.Named> tasks = List.of(new ThreadCpu.Named("java", 0), new ThreadCpu.Named("java", 5_000),
        new ThreadCpu.Named("java", 3_000));

    Map<String, Long> nanos = ThreadCpu.byGroup(java, tasks);

    assertThat(nanos).containsExactlyInAnyOrderEntriesOf(Map.of("main", 5_000L, "os:java (native)", 3_000L));
  }

  @Test
  void javaThreadsAreGroupedByJavaNameAndTheJvmsOwnThreadsByOsName() throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "the JVM's own threads are read from /proc (Linux)");
    CountDownLatch stop = new CountDownLatch(1);
    Thread busy = new Thread(() -> {
      long sink = 0;
      while (stop.getCount() > 0) {
        sink += System.nanoTime() % 7;
      }
      if (sink == 42) {
        System.out.print("");
      }
    }, "thread-cpu-test-busy-7");
    busy.start();
    try {
      Thread.sleep(200);
      Map<String, Long> nanos = ThreadCpu.nanos();

      assertThat(nanos.get("thread-cpu-test-busy-#")).isPositive();
      // Garbage collection and compiler threads are no Java threads: they come from /proc.
      assertThat(nanos.keySet()).anyMatch(name -> name.startsWith("os:"));
      // A Java thread is counted once, under its Java name, not again under its OS name.
      assertThat(nanos.keySet()).noneMatch(name -> name.startsWith("os:thread-cpu-tes"));
    } finally {
      stop.countDown();
      busy.join();
    }
  }
}
