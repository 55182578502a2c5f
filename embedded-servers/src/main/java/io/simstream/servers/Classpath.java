package io.simstream.servers;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The classpath a child JVM needs to see what this JVM sees. Launchers hide it in two ways: a manifest-only
 * jar on {@code java.class.path} (surefire's booter, IDEs' "shorten command line"), whose {@code Class-Path}
 * the JVM follows, so this does too; and a URLClassLoader over a foreign {@code java.class.path} (Maven's
 * {@code exec:java}), whose URLs come first.
 */
final class Classpath {

  private Classpath() {
  }

  static String current() {
    return of(Classpath.class.getClassLoader(), System.getProperty("java.class.path"));
  }

  static String of(ClassLoader loader, String javaClassPath) {
    List<String> entries = new ArrayList<>();
    for (ClassLoader current = loader; current != null; current = current.getParent()) {
      if (current instanceof URLClassLoader urlLoader) {
        for (URL url : urlLoader.getURLs()) {
          if ("file".equals(url.getProtocol())) {
            entries.add(toPath(url).toString());
          }
        }
      }
    }
    entries.add(javaClassPath);
    return expand(String.join(File.pathSeparator, entries));
  }

  /** Every entry of {@code classpath} once, each jar followed by the entries of its manifest {@code Class-Path}. */
  static String expand(String classpath) {
    Set<String> entries = new LinkedHashSet<>();
    for (String entry : classpath.split(File.pathSeparator)) {
      if (!entry.isEmpty()) {
        add(Path.of(entry).toAbsolutePath().normalize(), entries);
      }
    }
    return String.join(File.pathSeparator, entries);
  }

  private static void add(Path entry, Set<String> entries) {
    if (!entries.add(entry.toString()) || !entry.toString().endsWith(".jar") || !Files.isRegularFile(entry)) {
      return;
    }
    for (String reference : manifestClassPath(entry)) {
      // Class-Path entries are URLs relative to the jar's location.
      URI resolved = entry.toUri().resolve(reference);
      if ("file".equals(resolved.getScheme())) {
        add(Path.of(resolved).normalize(), entries);
      }
    }
  }

  private static Path toPath(URL url) {
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a file URL: " + url, e);
    }
  }

  private static String[] manifestClassPath(Path jar) {
    try (JarFile file = new JarFile(jar.toFile())) {
      Manifest manifest = file.getManifest();
      String value = manifest == null ? null : manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
      return value == null || value.isBlank() ? new String[0] : value.trim().split("\\s+");
    } catch (IOException unreadable) {
      // The JVM skips a classpath jar it cannot open; so does this.
      return new String[0];
    }
  }
}
