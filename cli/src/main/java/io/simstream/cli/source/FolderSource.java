package io.simstream.cli.source;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Every image file below a folder, recursively, in path order; hidden files and folders are
 * skipped and symbolic links are followed (a folder that is itself a link read as empty, and a
 * sync of it would have deleted the whole dataset); a link that leads nowhere is bad input. Sample
 * id: the path relative to the folder, with '/' separators ({@code cars/000123.jpg}), so the same
 * file keeps its id on every run.
 */
public final class FolderSource implements SampleSource {
  public static final List<String> DEFAULT_EXTENSIONS = List.of("jpg", "jpeg", "png", "bmp", "gif", "tif", "tiff");

  private final Path root;
  private final Set<String> extensions;
  private final ImageUris uris;

  public FolderSource(Path root, List<String> extensions, String uriBase) throws BadInputException {
    this.root = root.toAbsolutePath().normalize();
    this.extensions = extensions.stream().map(e -> e.replaceFirst("^\\.", "").toLowerCase(Locale.ROOT))
        .collect(Collectors.toUnmodifiableSet());
    this.uris = new ImageUris(this.root, uriBase);
  }

  @Override
  public String describe() {
    return "folder " + root;
  }

  @Override
  public long count() throws BadInputException {
    return images().size();
  }

  @Override
  public <E extends Exception> void read(SampleSink<E> sink) throws BadInputException, E {
    for (Path file : images()) {
      String imageUri = uris.of(file);
      String hash;
      try {
        hash = ContentHash.ofFile(file, imageUri);
      } catch (IOException e) {
        throw new BadInputException("cannot read image " + file + ": " + e.getMessage(), e);
      }
      sink.accept(new SourceSample(ImageUris.relativeId(root, file), imageUri, null, null, hash, file.toString()));
    }
  }

  private List<Path> images() throws BadInputException {
    if (!Files.isDirectory(root)) {
      throw new BadInputException("folder " + root + (Files.exists(root) ? " is not a folder" : " does not exist"));
    }
    List<Path> images = new ArrayList<>();
    try {
      Files.walkFileTree(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE,
          new SimpleFileVisitor<>() {
            // Pruned, not filtered: a link loop inside .git must not abort the walk.
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              return !dir.equals(root) && isHidden(dir) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            // A hidden link that loops back is reported here, not to preVisitDirectory: skipped all the same.
            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
              if (isHidden(file)) {
                return FileVisitResult.CONTINUE;
              }
              throw e;
            }

            // A link that can be followed arrives with its target's attributes; one with its own, broken, was
            // skipped, so that a share not mounted read as empty and a sync deleted every sample below it.
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
              if (attrs.isSymbolicLink() && !isHidden(file)) {
                throw new IOException("the symbolic link " + file + " points to " + Files.readSymbolicLink(file)
                    + ", which does not exist or cannot be read (a disk or share not mounted?)");
              }
              if (attrs.isRegularFile() && !isHidden(file) && hasImageExtension(file)) {
                images.add(file);
              }
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw unreadable(e);
    }
    for (Path image : images) {
      requireTextName(image);
    }
    images.sort(null);
    return images;
  }

  /**
   * Refuses an image whose path below root, read as text, names another file, for the id would be wrong. Java
   * decodes names with the locale's charset: under LANG=C (cron, a bare container) café.jpg read as
   * caf\uFFFD\uFFFD.jpg, and a sync run there deleted the sample and added it again under that id. A name whose
   * bytes are not UTF-8 reads so in every locale, and several such names as one id.
   */
  private void requireTextName(Path image) throws BadInputException {
    Path relative = root.relativize(image);
    try {
      if (relative.getFileSystem().getPath(relative.toString()).equals(relative)) {
        return;
      }
    } catch (InvalidPathException unencodable) {
      // The text holds U+FFFD, which this charset cannot write back: the name was not decoded either.
    }
    String charset = System.getProperty("sun.jnu.encoding");
    throw new BadInputException("the name of " + image + (StandardCharsets.UTF_8.name().equals(charset)
        ? " is not valid UTF-8: rename it"
        : " cannot be read as text with this locale's charset " + charset
            + ": run with a UTF-8 locale, e.g. LC_ALL=C.UTF-8"));
  }

  private static boolean isHidden(Path path) {
    return path.getFileName().toString().startsWith(".");
  }

  private boolean hasImageExtension(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 && extensions.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  private BadInputException unreadable(IOException e) {
    if (e instanceof FileSystemLoopException) {
      return new BadInputException("cannot list folder " + root + ": the symbolic link " + e.getMessage()
          + " leads back to a folder above it", e);
    }
    return new BadInputException("cannot list folder " + root + ": " + e.getMessage(), e);
  }
}
