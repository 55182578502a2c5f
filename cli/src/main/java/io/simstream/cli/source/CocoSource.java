package io.simstream.cli.source;

import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.event.BoundingBox;
import io.simstream.event.Patch;
import io.simstream.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A COCO detection file: each entry of {@code images} becomes a sample, each of its
 * {@code annotations} a patch of that sample. Sample id: the image's {@code file_name}; label id:
 * {@code <file_name>#<annotation id>} (unique in the dataset even when several COCO files feed it);
 * label: the category's name; box: COCO's absolute {@code [x, y, width, height]} in pixels divided
 * by the image's size and clipped to the image. Annotations whose box is empty after clipping are
 * skipped and counted. The file is read whole, so it must fit in memory.
 */
public final class CocoSource implements SampleSource {
  private final Path file;
  private final ImageUris uris;
  private final String field;
  private int skippedAnnotations;
  /** Kept after the first load, so counting and reading parse the file once. */
  private JsonNode document;

  /**
   * @param imagesRoot folder that {@code file_name} is relative to
   * @param field the label field the patches belong to, e.g. {@code ground_truth}
   */
  public CocoSource(Path file, Path imagesRoot, String uriBase, String field) {
    this.file = file.toAbsolutePath().normalize();
    this.uris = new ImageUris(imagesRoot, uriBase);
    this.field = field;
  }

  @Override
  public String describe() {
    return "COCO file " + file;
  }

  /** Empty or inverted boxes met by the last read. */
  public int skippedAnnotations() {
    return skippedAnnotations;
  }

  @Override
  public long count() throws BadInputException {
    return load().path("images").size();
  }

  @Override
  public <E extends Exception> void read(SampleSink<E> sink) throws BadInputException, E {
    JsonNode coco = load();
    skippedAnnotations = 0;
    Map<Long, String> categories = new HashMap<>();
    for (JsonNode category : coco.path("categories")) {
      categories.put(category.path("id").asLong(), category.path("name").asText(null));
    }
    Map<Long, List<JsonNode>> annotationsByImage = new HashMap<>();
    int index = 0;
    for (JsonNode annotation : coco.path("annotations")) {
      if (!annotation.path("image_id").canConvertToLong() || !annotation.path("id").canConvertToLong()) {
        throw new BadInputException(file + " annotations[" + index + "]: needs a numeric id and image_id");
      }
      annotationsByImage.computeIfAbsent(annotation.path("image_id").asLong(), k -> new ArrayList<>()).add(annotation);
      index++;
    }
    index = 0;
    for (JsonNode image : coco.path("images")) {
      String origin = file + " images[" + index++ + "]";
      String fileName = image.path("file_name").asText("");
      double width = image.path("width").asDouble(0);
      double height = image.path("height").asDouble(0);
      if (fileName.isBlank() || !image.path("id").canConvertToLong() || width <= 0 || height <= 0) {
        throw new BadInputException(origin + ": needs id, file_name, and a positive width and height");
      }
      List<Patch> patches = new ArrayList<>();
      for (JsonNode annotation : annotationsByImage.getOrDefault(image.path("id").asLong(), List.of())) {
        BoundingBox box = relativeBox(annotation.path("bbox"), width, height);
        if (box == null) {
          skippedAnnotations++;
          continue;
        }
        patches.add(new Patch(fileName + "#" + annotation.path("id").asLong(), field,
            categories.get(annotation.path("category_id").asLong()), box, null));
      }
      String imageUri = uris.of(Path.of(fileName));
      sink.accept(new SourceSample(fileName, imageUri, null, patches,
          ContentHash.ofState(imageUri, Map.of(), patches), origin));
    }
  }

  /** COCO's pixel box as a box relative to the image, clipped to it; null when nothing is left. */
  static BoundingBox relativeBox(JsonNode bbox, double width, double height) {
    if (!bbox.isArray() || bbox.size() != 4) {
      return null;
    }
    double x0 = clip(bbox.get(0).asDouble() / width);
    double y0 = clip(bbox.get(1).asDouble() / height);
    double x1 = clip((bbox.get(0).asDouble() + bbox.get(2).asDouble()) / width);
    double y1 = clip((bbox.get(1).asDouble() + bbox.get(3).asDouble()) / height);
    return x1 > x0 && y1 > y0 ? new BoundingBox(x0, y0, x1 - x0, y1 - y0) : null;
  }

  private static double clip(double v) {
    return Math.max(0, Math.min(1, v));
  }

  private JsonNode load() throws BadInputException {
    if (document != null) {
      return document;
    }
    if (!Files.isRegularFile(file)) {
      throw new BadInputException("COCO file " + file + (Files.exists(file) ? " is not a file" : " does not exist"));
    }
    JsonNode parsed;
    try {
      parsed = Json.MAPPER.readTree(file.toFile());
    } catch (IOException e) {
      throw new BadInputException("cannot read COCO file " + file + ": " + e.getMessage(), e);
    }
    if (parsed == null || !parsed.path("images").isArray()) {
      throw new BadInputException("COCO file " + file + " has no \"images\" array");
    }
    document = parsed;
    return document;
  }
}
