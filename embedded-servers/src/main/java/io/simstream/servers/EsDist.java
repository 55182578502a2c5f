package io.simstream.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Elasticsearch distribution folder a node runs from. */
final class EsDist {

  private static final Logger log = LoggerFactory.getLogger(EsDist.class);

  private EsDist() {
  }

  /**
   * The unpacked distribution of {@code version}; as root, a copy owned by {@link EsUser#NAME} under
   * {@code ${java.io.tmpdir}/simstream-es/<version>}, since the build folder may sit where that user cannot go.
   * The copy is made once per machine and published by an atomic rename, so concurrent JVMs never see half of
   * one.
   */
  static Path home(String version) {
    Path built = ServerLayout.esHome(version);
    if (!EsUser.needed()) {
      return built;
    }
    Path root = Dirs.worldTraversable(Path.of(System.getProperty("java.io.tmpdir"), "simstream-es"));
    Path staged = root.resolve(version);
    EsUser.checkCanReach(staged);
    if (Files.isDirectory(staged)) {
      return staged;
    }
    EsUser.ensureExists();
    Path copy = root.resolve("." + version + "-" + UUID.randomUUID());
    Dirs.copyTree(built, copy);
    EsUser.chown(copy);
    try {
      Files.move(copy, staged, StandardCopyOption.ATOMIC_MOVE);
      log.info("copied Elasticsearch {} to {} for user {}", version, staged, EsUser.NAME);
    } catch (IOException e) {
      // rename(2) fails (ENOTEMPTY) when another JVM published its copy first: use that one.
      Dirs.deleteTree(copy);
      if (!Files.isDirectory(staged)) {
        throw new UncheckedIOException("cannot publish " + copy + " as " + staged, e);
      }
    }
    return staged;
  }
}
