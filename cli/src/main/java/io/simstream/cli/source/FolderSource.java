package io.simstream.cli.source;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Every image file below a folder, recursively, in path order; hidden files and folders are
 * skipped and symbolic links are followed (a folder that is itself a link read as empty, and a
 * sync of it would have deleted the whole dataset). Sample id: the path relative to the folder, with '/' separators
 * ({@code cars/000123.jpg}), so the same file keeps its id on every run.
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
    try (Stream<Path> images = images()) {
      return images.count();
    } catch (UncheckedIOException e) {
      throw unreadable(e.getCause());
    }
  }

  @Override
  public <E extends Exception> void read(SampleSink<E> sink) throws BadInputException, E {
    try (Stream<Path> images = images()) {
      for (Path file : (Iterable<Path>) images::iterator) {
        String imageUri = uris.of(file);
        String hash;
        try {
          hash = ContentHash.ofFile(file, imageUri);
        } catch (IOException e) {
          throw new BadInputException("cannot read image " + file + ": " + e.getMessage(), e);
        }
        sink.accept(new SourceSample(ImageUris.relativeId(root, file), imageUri, null, null, hash, file.toString()));
      }
    } catch (UncheckedIOException e) {
      throw unreadable(e.getCause());
    }
  }

  private Stream<Path> images() throws BadInputException {
    if (!Files.isDirectory(root)) {
      throw new BadInputException("folder " + root + (Files.exists(root) ? " is not a folder" : " does not exist"));
    }
    try {
      return Files.walk(root, FileVisitOption.FOLLOW_LINKS)
          .filter(path -> !isHidden(path))
          .filter(Files::isRegularFile)
          .filter(this::hasImageExtension)
          .sorted();
    } catch (IOException e) {
      throw unreadable(e);
    }
  }

  private boolean isHidden(Path path) {
    for (Path part : root.relativize(path)) {
      if (part.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
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
