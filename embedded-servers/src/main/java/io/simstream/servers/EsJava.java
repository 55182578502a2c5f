package io.simstream.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The JDK an Elasticsearch node runs on (the integ-test-zip bundles none): 8.x runs on 17+, 9.x needs 21+.
 * Chosen from SIMSTREAM_ES_JAVA_HOME (or system property simstream.es.java.home), else this JVM when it is new
 * enough, else the newest JDK under /usr/lib/jvm.
 */
final class EsJava {

  private static final Path JVM_DIR = Path.of("/usr/lib/jvm");
  private static final Pattern RELEASE_VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"(?:1\\.)?(\\d+)");

  private EsJava() {
  }

  static Path home(String esVersion) {
    String override = ServerLayout.optional("es.java.home");
    if (override != null) {
      Path home = Path.of(override);
      if (!Files.isExecutable(home.resolve("bin/java"))) {
        throw new IllegalStateException("SIMSTREAM_ES_JAVA_HOME=" + override + " has no bin/java");
      }
      return home;
    }
    int required = requiredFeature(esVersion);
    if (Runtime.version().feature() >= required) {
      return Path.of(System.getProperty("java.home"));
    }
    return newestInstalled()
        .filter(candidate -> feature(candidate) >= required)
        .orElseThrow(() -> new IllegalStateException("Elasticsearch " + esVersion + " needs a JDK " + required
            + " or newer, but this JVM is " + Runtime.version().feature() + " and there is none under " + JVM_DIR
            + ": install one or set SIMSTREAM_ES_JAVA_HOME"));
  }

  static int requiredFeature(String esVersion) {
    int major = Integer.parseInt(esVersion.substring(0, esVersion.indexOf('.')));
    return major >= 9 ? 21 : 17;
  }

  private static Optional<Path> newestInstalled() {
    if (!Files.isDirectory(JVM_DIR)) {
      return Optional.empty();
    }
    try (Stream<Path> dirs = Files.list(JVM_DIR)) {
      return dirs.filter(dir -> Files.isExecutable(dir.resolve("bin/java")) && feature(dir) > 0)
          .max(Comparator.comparingInt(EsJava::feature));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The feature release of the JDK at {@code home} from its {@code release} file; 0 when unknown. */
  private static int feature(Path home) {
    try {
      Matcher matcher = RELEASE_VERSION.matcher(Files.readString(home.resolve("release")));
      return matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
    } catch (IOException e) {
      return 0;
    }
  }
}
