package io.simstream.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The demo's public-domain clip art (images/SOURCE.md), bundled in the jar. The indexer reads images by
 * URI, so they are copied out into a plain folder before they are produced.
 */
public final class DemoImages {
  private static final String ROOT = "/io/simstream/demo/images/";
  /** Lists every image as {@code folder/file.jpg <- its origin in the Debian package}. */
  private static final String ORIGINS = ROOT + "ORIGINS.txt";

  private DemoImages() {
  }

  /** The relative paths of the bundled images, which are also their sample ids once produced from a folder. */
  public static List<String> names() {
    try (InputStream in = resource(ORIGINS);
         BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      return reader.lines().filter(line -> !line.isBlank()).map(line -> line.split(" <- ", 2)[0].trim()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Copies every bundled image below {@code folder}, keeping the relative paths; returns the count. */
  public static int copyTo(Path folder) throws IOException {
    List<String> names = names();
    for (String name : names) {
      Path target = folder.resolve(name);
      Files.createDirectories(target.getParent());
      try (InputStream in = resource(ROOT + name)) {
        Files.copy(in, target);
      }
    }
    return names.size();
  }

  private static InputStream resource(String path) throws IOException {
    InputStream in = DemoImages.class.getResourceAsStream(path);
    if (in == null) {
      throw new IOException("the demo jar lacks " + path);
    }
    return in;
  }
}
