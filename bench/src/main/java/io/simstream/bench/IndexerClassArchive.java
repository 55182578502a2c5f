package io.simstream.bench;

import io.simstream.indexer.IndexerMain;
import io.simstream.servers.ChildJvm;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The class-data sharing archive the indexer image ships (deploy/indexer.Dockerfile), dumped the same
 * way for the classpath the bench's child indexers run with, so that their restarts are timed as a
 * pod's. A classpath the JDK cannot archive (class directories, as under a test runner) gets no archive.
 */
record IndexerClassArchive(List<String> jvmOptions, String description) {
  private static final long DUMP_TIMEOUT_MINUTES = 3;

  static IndexerClassArchive off(String why) {
    return new IndexerClassArchive(List.of(), "off (" + why + ")");
  }

  static IndexerClassArchive dump(Path workDir) throws IOException, InterruptedException {
    String classpath = ChildJvm.currentClasspath();
    if (classpath.split(File.pathSeparator).length != 1 || Files.isDirectory(Path.of(classpath))) {
      return off("the classpath is not one jar");
    }
    Path classList = workDir.resolve("indexer.classlist");
    try (InputStream in = IndexerMain.class.getResourceAsStream(IndexerMain.CLASS_LIST_RESOURCE)) {
      if (in == null) {
        return off(IndexerMain.CLASS_LIST_RESOURCE + " not on the classpath");
      }
      Files.copy(in, classList, StandardCopyOption.REPLACE_EXISTING);
    }
    Path archive = workDir.resolve("indexer.jsa");
    Path log = workDir.resolve("indexer-cds-dump.log");
    long start = System.nanoTime();
    Process dump = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xshare:dump", "-XX:SharedClassListFile=" + classList, "-XX:SharedArchiveFile=" + archive, "-cp", classpath)
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!dump.waitFor(DUMP_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
      dump.destroyForcibly();
      return off("the dump took over " + DUMP_TIMEOUT_MINUTES + " min, log " + log);
    }
    if (dump.exitValue() != 0 || !Files.isRegularFile(archive)) {
      return off("the dump exited " + dump.exitValue() + ", log " + log);
    }
    return new IndexerClassArchive(List.of("-XX:SharedArchiveFile=" + archive), String.format(
        "on (dumped in %.1f s from %s, as deploy/indexer.Dockerfile does)", (System.nanoTime() - start) / 1e9,
        IndexerMain.CLASS_LIST_RESOURCE));
  }
}
