package io.simstream.cli.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderSourceTest {
  private static final boolean NAMES_ARE_UTF8 = "UTF-8".equals(System.getProperty("sun.jnu.encoding"));

  @TempDir
  Path root;

  private static List<SourceSample> readAll(SampleSource source) throws BadInputException {
    List<SourceSample> samples = new ArrayList<>();
    source.<RuntimeException>read(samples::add);
    return samples;
  }

  private void file(String relative, String content) throws Exception {
    Path path = root.resolve(relative);
    Files.createDirectories(path.getParent());
    Files.writeString(path, content);
  }

  @Test
  void everyDefaultExtensionIsOneTheIndexerCanDecode() {
    // The indexer decodes with JDK ImageIO: a file it cannot read would be dead-lettered in every model run.
    assertThat(FolderSource.DEFAULT_EXTENSIONS)
        .allSatisfy(ext -> assertThat(ImageIO.getImageReadersBySuffix(ext).hasNext()).as(ext).isTrue());
  }

  @Test
  void walksRecursivelyInPathOrderWithRelativePathsAsIds() throws Exception {
    file("b/2.jpg", "two");
    file("a/1.JPEG", "one");
    file("c.png", "three");
    file("notes.txt", "not an image");
    file(".cache/x.jpg", "hidden");
    file("b/.y.jpg", "hidden too");

    FolderSource source = new FolderSource(root, FolderSource.DEFAULT_EXTENSIONS, null);
    List<SourceSample> samples = readAll(source);

    assertThat(samples).extracting(SourceSample::sampleId).containsExactly("a/1.JPEG", "b/2.jpg", "c.png");
    assertThat(source.count()).isEqualTo(3);
    assertThat(samples.get(1).imageUri()).isEqualTo(root.resolve("b/2.jpg").toUri().toString());
    assertThat(samples.get(1).embeddings()).isEmpty();
  }

  @Test
  void extensionsAreConfigurableAndUriBaseReplacesTheFolder() throws Exception {
    file("x/img.tif", "tiff");
    file("x/img.jpg", "jpeg");

    List<SourceSample> samples = readAll(new FolderSource(root, List.of(".TIF"), "https://images.example.com/set"));

    assertThat(samples).extracting(SourceSample::sampleId).containsExactly("x/img.tif");
    assertThat(samples.get(0).imageUri()).isEqualTo("https://images.example.com/set/x/img.tif");
  }

  @Test
  void aUriBaseIsFollowedByThePathPercentEncoded() throws Exception {
    file("x/tom cat#1 100%.jpg", "jpeg");

    List<SourceSample> samples = readAll(new FolderSource(root, FolderSource.DEFAULT_EXTENSIONS,
        "https://images.example.com/set"));

    assertThat(samples.get(0).sampleId()).isEqualTo("x/tom cat#1 100%.jpg");
    String uri = samples.get(0).imageUri();
    assertThat(uri).isEqualTo("https://images.example.com/set/x/tom%20cat%231%20100%25.jpg");
    assertThat(java.net.URI.create(uri).getPath()).isEqualTo("/set/x/tom cat#1 100%.jpg");
  }

  @Test
  void aColonInTheFirstFolderIsNotTakenForAScheme() throws Exception {
    file("2024-05-01T10:00/shot 10:00.jpg", "jpeg");

    List<SourceSample> samples = readAll(new FolderSource(root, FolderSource.DEFAULT_EXTENSIONS,
        "https://images.example.com/set/"));

    String uri = samples.get(0).imageUri();
    assertThat(uri).isEqualTo("https://images.example.com/set/2024-05-01T10:00/shot%2010:00.jpg");
    assertThat(java.net.URI.create(uri).getPath()).isEqualTo("/set/2024-05-01T10:00/shot 10:00.jpg");
  }

  @Test
  void aDecomposedNameKeepsItsBytesInTheUri() throws Exception {
    // "é" as 'e' + combining accent, as macOS writes names: the NFC form would name another file.
    String decomposed = "cafe\u0301.jpg";
    file(decomposed, "jpeg");

    String uri = readAll(new FolderSource(root, FolderSource.DEFAULT_EXTENSIONS, "https://images.example.com/set"))
        .get(0).imageUri();

    assertThat(uri).isEqualTo("https://images.example.com/set/cafe%CC%81.jpg");
    assertThat(java.net.URI.create(uri).getPath()).isEqualTo("/set/" + decomposed);
  }

  @Test
  void aUriBaseWithoutSchemeOrWithASpaceIsBadInput() {
    assertThatThrownBy(() -> new FolderSource(root, FolderSource.DEFAULT_EXTENSIONS, "images.example.com/set"))
        .isInstanceOf(BadInputException.class).hasMessageContaining("has no scheme");
    assertThatThrownBy(() -> new FolderSource(root, FolderSource.DEFAULT_EXTENSIONS, "https://images.example.com/my set"))
        .isInstanceOf(BadInputException.class).hasMessageContaining("is not a URI");
  }

  @Test
  void hashFollowsTheFileContent() throws Exception {
    file("a.jpg", "first");
    FolderSource source = new FolderSource(root, FolderSource.DEFAULT_EXTENSIONS, null);
    String before = readAll(source).get(0).contentHash();
    assertThat(readAll(source).get(0).contentHash()).isEqualTo(before);

    file("a.jpg", "second");

    assertThat(readAll(source).get(0).contentHash()).isNotEqualTo(before);
  }

  @Test
  void aFolderThatIsASymbolicLinkIsReadThroughIt(@TempDir Path elsewhere) throws Exception {
    Files.createDirectories(elsewhere.resolve("cats"));
    Files.writeString(elsewhere.resolve("cats/1.jpg"), "one");
    Path link = Files.createSymbolicLink(root.resolve("photos"), elsewhere);

    FolderSource source = new FolderSource(link, FolderSource.DEFAULT_EXTENSIONS, null);

    // Read as empty, a --sync of this folder deleted every sample of the dataset.
    assertThat(readAll(source)).extracting(SourceSample::sampleId).containsExactly("cats/1.jpg");
    assertThat(source.count()).isEqualTo(1);
  }

  @Test
  void aLinkedSubfolderIsWalkedUnderItsLinkName(@TempDir Path elsewhere) throws Exception {
    file("a.jpg", "a");
    Files.writeString(elsewhere.resolve("b.jpg"), "b");
    Files.createSymbolicLink(root.resolve("more"), elsewhere);

    assertThat(readAll(new FolderSource(root, FolderSource.DEFAULT_EXTENSIONS, null)))
        .extracting(SourceSample::sampleId).containsExactly("a.jpg", "more/b.jpg");
  }

  @Test
  void aLinkLoopIsBadInputNamingTheFolder() throws Exception {
    file("a/x.jpg", "x");
    Files.createSymbolicLink(root.resolve("a/loop"), root.resolve("a"));

    assertThatThrownBy(() -> readAll(new FolderSource(root, FolderSource.DEFAULT_EXTENSIONS, null)))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("cannot list folder " + root.toAbsolutePath().normalize())
        .hasMessageContaining("a/loop leads back to a folder above it");
  }

  @Test
  void aBrokenLinkIsBadInputNamingIt(@TempDir Path elsewhere) throws Exception {
    file("a.jpg", "a");
    Path share = elsewhere.resolve("share");
    Files.createDirectories(root.resolve("b"));
    Path link = Files.createSymbolicLink(root.resolve("b/share"), share);

    // Skipped, an unmounted share read as empty and a sync deleted every sample below it.
    assertThatThrownBy(() -> new FolderSource(root, FolderSource.DEFAULT_EXTENSIONS, null).count())
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("cannot list folder " + root.toAbsolutePath().normalize())
        .hasMessageContaining("the symbolic link " + link + " points to " + share + ", which does not exist or cannot be read");

    Files.delete(link);
    Files.createSymbolicLink(root.resolve("b/.share"), share);
    assertThat(readAll(new FolderSource(root, FolderSource.DEFAULT_EXTENSIONS, null)))
        .extracting(SourceSample::sampleId).containsExactly("a.jpg");
  }

  @Test
  void aHiddenFolderIsNotEnteredSoALinkLoopInsideItIsNoError() throws Exception {
    file("a.jpg", "a");
    file(".git/objects/x.jpg", "x");
    Files.createSymbolicLink(root.resolve(".git/objects/loop"), root.resolve(".git"));

    FolderSource source = new FolderSource(root, FolderSource.DEFAULT_EXTENSIONS, null);

    assertThat(readAll(source)).extracting(SourceSample::sampleId).containsExactly("a.jpg");
    assertThat(source.count()).isEqualTo(1);
  }

  @Test
  void aHiddenLinkThatLoopsIsSkippedLikeAnyHiddenEntry() throws Exception {
    file("a.jpg", "a");
    Files.createSymbolicLink(root.resolve(".self"), root);

    assertThat(readAll(new FolderSource(root, FolderSource.DEFAULT_EXTENSIONS, null)))
        .extracting(SourceSample::sampleId).containsExactly("a.jpg");
  }

  /** What {@link FolderIdsProbe} reads of the folder in a child JVM whose locale is plain C, as under cron. */
  private static List<String> probeUnderCLocale(Path folder, Path dir) throws Exception {
    Path answer = dir.resolve("answer");
    Path log = dir.resolve("probe.log");
    ProcessBuilder probe = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), FolderIdsProbe.class.getName(), folder.toString(),
        answer.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
    // Nothing may hand the child a charset: neither a UTF-8 locale nor a -Dfile.encoding in the JVM's options.
    probe.environment().keySet().removeIf(name -> name.startsWith("LC_") || name.equals("LANG")
        || name.equals("JAVA_TOOL_OPTIONS") || name.equals("JDK_JAVA_OPTIONS") || name.equals("_JAVA_OPTIONS"));
    probe.environment().put("LANG", "C");
    probe.environment().put("LC_ALL", "C");
    Process process = probe.start();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("probe finished").isTrue();
    assertThat(process.exitValue()).as(Files.readString(log)).isZero();
    return Files.readAllLines(answer, StandardCharsets.UTF_8);
  }

  @Test
  void aNameTheLocaleCannotDecodeIsBadInputNotAnotherId(@TempDir Path dir) throws Exception {
    assumeTrue(NAMES_ARE_UTF8, "this JVM must read and write file names as UTF-8");
    file("caf\u00e9.jpg", "jpeg");
    file("plain.jpg", "jpeg");

    List<String> lines = probeUnderCLocale(root, dir);

    assumeFalse(lines.get(0).equals("UTF-8"), "file names are read as UTF-8 whatever the locale here (macOS)");
    // Read as caf\uFFFD\uFFFD.jpg, a sync from cron deleted café.jpg and added it again under that id.
    assertThat(lines).hasSize(2);
    assertThat(lines.get(1)).startsWith("bad input: ").contains(root.resolve("caf").toString())
        .contains("cannot be read as text with this locale's charset " + lines.get(0))
        .contains("run with a UTF-8 locale, e.g. LC_ALL=C.UTF-8");
  }

  @Test
  void aNameThatIsNotUtf8IsBadInput() throws Exception {
    assumeTrue(NAMES_ARE_UTF8, "this JVM must read and write file names as UTF-8");
    assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs a shell to write a name Java cannot");
    Process touch = new ProcessBuilder("/bin/sh", "-c", "printf x > \"$(printf 'caf\\377.jpg')\"")
        .directory(root.toFile()).start();
    assertThat(touch.waitFor(60, TimeUnit.SECONDS) && touch.exitValue() == 0).as("wrote caf\\377.jpg").isTrue();

    // Read as caf\uFFFD.jpg: an id that names another file, and the same id for every such byte.
    assertThatThrownBy(() -> readAll(new FolderSource(root, FolderSource.DEFAULT_EXTENSIONS, null)))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining(root.toString())
        .hasMessageContaining("is not valid UTF-8: rename it");
  }

  @Test
  void aReplacementCharacterWrittenAsUtf8IsPartOfTheId() throws Exception {
    file("caf\ufffd.jpg", "a real U+FFFD");

    assertThat(readAll(new FolderSource(root, FolderSource.DEFAULT_EXTENSIONS, null)))
        .extracting(SourceSample::sampleId).containsExactly("caf\ufffd.jpg");
  }

  @Test
  void aMissingFolderIsNamedInTheError() {
    Path missing = root.resolve("nope");
    assertThatThrownBy(() -> new FolderSource(missing, FolderSource.DEFAULT_EXTENSIONS, null).count())
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("does not exist");
  }
}
