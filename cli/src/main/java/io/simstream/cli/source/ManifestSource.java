package io.simstream.cli.source;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import io.simstream.event.ImageLocation;
import io.simstream.event.Patch;
import io.simstream.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A JSONL manifest: one sample per line, {@code {"sampleId", "imageUri", "embeddings", "patches"}}
 * with the fields of a sample_added event (docs/events.md). Blank lines are skipped. An imageUri
 * that is a relative path is taken relative to the manifest's folder. Sample id: the line's
 * {@code sampleId}.
 */
public final class ManifestSource implements SampleSource {

  /**
   * Vectors are most of a manifest: the fast float parser reads them several times faster. Anything after the
   * object fails the line: two objects on one line (cat of a file without its last newline) read as the first,
   * and a sync then deleted the second.
   */
  private static final ObjectReader ENTRY_READER = Json.MAPPER.readerFor(Entry.class)
      .with(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
      .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final Path manifest;

  public ManifestSource(Path manifest) {
    this.manifest = manifest.toAbsolutePath().normalize();
  }

  /** One line as written by the user. */
  private record Entry(String sampleId, String imageUri, Map<String, float[]> embeddings, List<Patch> patches) {
  }

  @Override
  public String describe() {
    return "manifest " + manifest;
  }

  @Override
  public long count() throws BadInputException {
    long samples = 0;
    try (BufferedReader reader = open()) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (!line.isBlank()) {
          samples++;
        }
      }
    } catch (IOException e) {
      throw new BadInputException("cannot read manifest " + manifest + ": " + e.getMessage(), e);
    }
    return samples;
  }

  @Override
  public <E extends Exception> void read(SampleSink<E> sink) throws BadInputException, E {
    try (BufferedReader reader = open()) {
      long lineNumber = 0;
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lineNumber++;
        if (!line.isBlank()) {
          sink.accept(parse(line, manifest + " line " + lineNumber));
        }
      }
    } catch (IOException e) {
      throw new BadInputException("cannot read manifest " + manifest + ": " + e.getMessage(), e);
    }
  }

  private SourceSample parse(String line, String origin) throws BadInputException {
    Entry entry;
    try {
      entry = ENTRY_READER.readValue(line);
    } catch (JsonProcessingException e) {
      throw new BadInputException(origin + ": not a manifest entry: " + e.getOriginalMessage());
    }
    if (entry == null) {
      throw new BadInputException(origin + ": not a manifest entry: null");
    }
    if (entry.sampleId() == null || entry.sampleId().isBlank()) {
      throw new BadInputException(origin + ": missing field sampleId");
    }
    if (entry.embeddings() != null) {
      for (Map.Entry<String, float[]> vector : entry.embeddings().entrySet()) {
        if (vector.getValue() == null) {
          throw new BadInputException(origin + ": embeddings." + vector.getKey() + " is null");
        }
      }
    }
    if (entry.patches() != null && entry.patches().contains(null)) {
      throw new BadInputException(origin + ": patches[" + entry.patches().indexOf(null) + "] is null");
    }
    String imageUri = resolve(entry.imageUri(), origin);
    SourceSample sample = new SourceSample(entry.sampleId(), imageUri, entry.embeddings(), entry.patches(), null, origin);
    // The hash covers everything but the id, which is the listing's key.
    return sample.withContentHash(ContentHash.ofState(imageUri, sample.embeddings(), sample.patches()));
  }

  private String resolve(String imageUri, String origin) throws BadInputException {
    if (imageUri == null || imageUri.isBlank() || ImageLocation.hasScheme(imageUri)) {
      return imageUri;
    }
    Path path = ImageUris.pathOf(imageUri, origin, "imageUri");
    return path.isAbsolute() ? imageUri : manifest.getParent().resolve(path).normalize().toString();
  }

  private BufferedReader open() throws BadInputException {
    if (!Files.isRegularFile(manifest)) {
      throw new BadInputException("manifest " + manifest + (Files.exists(manifest) ? " is not a file" : " does not exist"));
    }
    try {
      return Files.newBufferedReader(manifest);
    } catch (IOException e) {
      throw new BadInputException("cannot read manifest " + manifest + ": " + e.getMessage(), e);
    }
  }
}
