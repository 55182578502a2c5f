package io.simstream.servers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClasspathTest {

  @TempDir
  Path dir;

  @Test
  void expandsTheClassPathOfAManifestOnlyJarRelativeToTheJar() throws IOException {
    Path classes = Files.createDirectories(dir.resolve("target/test-classes"));
    Path library = dir.resolve("repo/lib.jar");
    Files.createDirectories(library.getParent());
    Files.createFile(library);
    Path booter = dir.resolve("tmp/booter.jar");
    writeManifestOnlyJar(booter, classes.toUri() + " ../repo/lib.jar");

    String expanded = Classpath.expand(booter.toString());

    assertThat(expanded.split(File.pathSeparator))
        .containsExactly(booter.toString(), classes.toString(), library.toString());
  }

  @Test
  void keepsPlainEntriesInOrderWithoutDuplicates() {
    String expanded = Classpath.expand(String.join(File.pathSeparator, "/a/classes", "/b/x.jar", "/a/classes"));

    assertThat(expanded).isEqualTo(String.join(File.pathSeparator, "/a/classes", "/b/x.jar"));
  }

  @Test
  void putsTheUrlsOfAnApplicationClassLoaderFirst() throws IOException {
    Path classes = Files.createDirectories(dir.resolve("app/classes"));
    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, null)) {
      String classpath = Classpath.of(loader, "/maven/boot/plexus-classworlds.jar");

      assertThat(classpath).isEqualTo(classes + File.pathSeparator + "/maven/boot/plexus-classworlds.jar");
    }
  }

  private static void writeManifestOnlyJar(Path jar, String classPath) throws IOException {
    Files.createDirectories(jar.getParent());
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
    try (OutputStream out = Files.newOutputStream(jar); JarOutputStream ignored = new JarOutputStream(out, manifest)) {
      // The manifest is all there is.
    }
  }
}
