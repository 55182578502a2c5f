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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A COCO detection file: each entry of {@code images} becomes a sample, each of its
 * {@code annotations} a patch of that sample. Sample id: the image's {@code file_name}; label id:
 * {@code <file_name>#<annotation id>} (unique in the dataset even when several COCO files feed it);
 * label: the category's name (none without a {@code category_id}; none, counted apart, for an id the
 * file does not list); box: COCO's absolute {@code [x, y, width, height]} in pixels divided by the
 * image's size (needed only by images with boxes) and clipped to the image. Annotations without a
 * box (a captions file, say), those whose box is empty after clipping and those of images the file
 * does not list are skipped and counted apart; a box that is not four numbers is bad input. The file
 * is read whole, so it must fit in memory.
 */
public final class CocoSource implements SampleSource {
  private final Path file;
  private final ImageUris uris;
  private final String field;
  private int emptyBoxes;
  private int annotationsWithoutBox;
  private int annotationsOfUnknownImages;
  private int annotationsOfUnknownCategories;
  /** Kept after the first load, so counting and reading parse the file once. */
  private JsonNode document;

  /**
   * @param imagesRoot folder that {@code file_name} is relative to
   * @param field the label field the patches belong to, e.g. {@code ground_truth}
   */
  public CocoSource(Path file, Path imagesRoot, String uriBase, String field) throws BadInputException {
    this.file = file.toAbsolutePath().normalize();
    this.uris = new ImageUris(imagesRoot, uriBase);
    this.field = field;
  }

  @Override
  public String describe() {
    return "COCO file " + file;
  }

  /** Boxes of the last read that were empty or inverted once clipped to their image. */
  public int emptyBoxes() {
    return emptyBoxes;
  }

  /** Annotations of the last read whose {@code image_id} names no image of the file (a truncated or mixed file). */
  public int annotationsOfUnknownImages() {
    return annotationsOfUnknownImages;
  }

  /** Annotations of the last read sent without a label, for their {@code category_id} names no category of the file. */
  public int annotationsOfUnknownCategories() {
    return annotationsOfUnknownCategories;
  }

  /** Annotations of the last read that had no {@code bbox}. */
  public int annotationsWithoutBox() {
    return annotationsWithoutBox;
  }

  @Override
  public long count() throws BadInputException {
    return load().path("images").size();
  }

  @Override
  public <E extends Exception> void read(SampleSink<E> sink) throws BadInputException, E {
    JsonNode coco = load();
    emptyBoxes = 0;
    annotationsWithoutBox = 0;
    annotationsOfUnknownImages = 0;
    annotationsOfUnknownCategories = 0;
    Set<Long> imageIds = new HashSet<>();
    coco.path("images").forEach(image -> imageIds.add(image.path("id").asLong()));
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
      JsonNode bbox = annotation.path("bbox");
      if (bbox.isMissingNode() || bbox.isNull()) {
        annotationsWithoutBox++;
        index++;
        continue;
      }
      if (!isPixelBox(bbox)) {
        throw new BadInputException(file + " annotations[" + index + "]: bbox must be [x, y, width, height] in pixels,"
            + " not " + bbox);
      }
      index++;
      if (!imageIds.contains(annotation.path("image_id").asLong())) {
        annotationsOfUnknownImages++;
        continue;
      }
      annotationsByImage.computeIfAbsent(annotation.path("image_id").asLong(), k -> new ArrayList<>()).add(annotation);
    }
    index = 0;
    for (JsonNode image : coco.path("images")) {
      String origin = file + " images[" + index++ + "]";
      String fileName = image.path("file_name").asText("");
      if (fileName.isBlank() || !image.path("id").canConvertToLong()) {
        throw new BadInputException(origin + ": needs id and file_name");
      }
      List<JsonNode> boxed = annotationsByImage.getOrDefault(image.path("id").asLong(), List.of());
      // Only boxes are divided by the size: an image without boxes needs none.
      double width = image.path("width").asDouble(0);
      double height = image.path("height").asDouble(0);
      if (!boxed.isEmpty() && (width <= 0 || height <= 0)) {
        throw new BadInputException(origin + ": has annotations with a bbox, so needs a positive width and height");
      }
      List<Patch> patches = new ArrayList<>();
      for (JsonNode annotation : boxed) {
        BoundingBox box = relativeBox(annotation.path("bbox"), width, height);
        if (box == null) {
          emptyBoxes++;
          continue;
        }
        patches.add(new Patch(fileName + "#" + annotation.path("id").asLong(), field,
            label(annotation.path("category_id"), categories), box, null));
      }
      String imageUri = uris.of(ImageUris.pathOf(fileName, origin, "file_name"));
      sink.accept(new SourceSample(fileName, imageUri, null, patches,
          ContentHash.ofState(imageUri, Map.of(), patches), origin));
    }
  }

  /** The category's name; none without a category_id, nor, counted, for an id that names no category of the file. */
  private String label(JsonNode categoryId, Map<Long, String> categories) {
    // Tested first: asLong() reads a missing id as 0, and gave the annotation category 0's name.
    if (categoryId.isMissingNode() || categoryId.isNull()) {
      return null;
    }
    if (!categoryId.canConvertToLong() || !categories.containsKey(categoryId.asLong())) {
      annotationsOfUnknownCategories++;
      return null;
    }
    return categories.get(categoryId.asLong());
  }

  private static boolean isPixelBox(JsonNode bbox) {
    if (!bbox.isArray() || bbox.size() != 4) {
      return false;
    }
    for (JsonNode value : bbox) {
      if (!value.isNumber() || !Double.isFinite(value.asDouble())) {
        return false;
      }
    }
    return true;
  }

  /** COCO's pixel box as a box relative to the image, clipped to it; null when nothing is left. */
  private static BoundingBox relativeBox(JsonNode bbox, double width, double height) {
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
