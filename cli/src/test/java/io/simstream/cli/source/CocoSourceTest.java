package io.simstream.cli.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.simstream.event.Patch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CocoSourceTest {
  @TempDir
  Path dir;

  private static final String COCO = """
      {"images": [
         {"id": 1, "file_name": "000001.jpg", "width": 200, "height": 100},
         {"id": 2, "file_name": "sub/000002.jpg", "width": 50, "height": 50}],
       "annotations": [
         {"id": 10, "image_id": 1, "category_id": 3, "bbox": [20, 10, 100, 50]},
         {"id": 11, "image_id": 1, "category_id": 4, "bbox": [150, 80, 100, 40]},
         {"id": 12, "image_id": 1, "category_id": 3, "bbox": [30, 30, 0, 10]}],
       "categories": [{"id": 3, "name": "car"}, {"id": 4, "name": "person"}]}
      """;

  @Test
  void imagesBecomeSamplesAndAnnotationsRelativePatches() throws Exception {
    Path file = dir.resolve("instances.json");
    Files.writeString(file, COCO);
    CocoSource source = new CocoSource(file, dir.resolve("images"), null, "ground_truth");
    List<SourceSample> samples = new ArrayList<>();
    source.<RuntimeException>read(samples::add);

    assertThat(source.count()).isEqualTo(2);
    assertThat(samples).extracting(SourceSample::sampleId).containsExactly("000001.jpg", "sub/000002.jpg");
    assertThat(samples.get(0).imageUri()).isEqualTo(dir.resolve("images/000001.jpg").toUri().toString());
    List<Patch> patches = samples.get(0).patches();
    assertThat(patches).extracting(Patch::labelId).containsExactly("000001.jpg#10", "000001.jpg#11");
    assertThat(patches).extracting(Patch::label).containsExactly("car", "person");
    assertThat(patches).extracting(Patch::field).containsOnly("ground_truth");
    Patch car = patches.get(0);
    assertThat(car.boundingBox().x()).isCloseTo(0.1, within(1e-9));
    assertThat(car.boundingBox().y()).isCloseTo(0.1, within(1e-9));
    assertThat(car.boundingBox().width()).isCloseTo(0.5, within(1e-9));
    assertThat(car.boundingBox().height()).isCloseTo(0.5, within(1e-9));
    // The person box runs past the right and bottom edges: clipped to the image.
    Patch person = patches.get(1);
    assertThat(person.boundingBox().x() + person.boundingBox().width()).isCloseTo(1.0, within(1e-9));
    assertThat(person.boundingBox().height()).isCloseTo(0.2, within(1e-9));
    assertThat(samples.get(1).patches()).isEmpty();
    assertThat(source.emptyBoxes()).isEqualTo(1);
    assertThat(source.annotationsWithoutBox()).isZero();
  }

  @Test
  void onlyAnImageWithABoxNeedsASizeAndOneWithoutIsNamed() throws Exception {
    Path file = dir.resolve("bad.json");
    // Boxes are divided by the size; an image without one stopped the import even with nothing to divide.
    Files.writeString(file, """
        {"images": [{"id": 1, "file_name": "a.jpg"}, {"id": 2, "file_name": "b.jpg", "width": 0}],
         "annotations": [{"id": 1, "image_id": 2, "category_id": 1, "caption": "no box"}]}
        """);
    List<SourceSample> samples = new ArrayList<>();
    new CocoSource(file, dir, null, "gt").<RuntimeException>read(samples::add);
    assertThat(samples).extracting(SourceSample::sampleId).containsExactly("a.jpg", "b.jpg");

    Files.writeString(file, """
        {"images": [{"id": 1, "file_name": "a.jpg"}, {"id": 2, "file_name": "b.jpg"}],
         "annotations": [{"id": 1, "image_id": 2, "category_id": 1, "bbox": [1, 1, 5, 5]}]}
        """);
    assertThatThrownBy(() -> new CocoSource(file, dir, null, "gt").<RuntimeException>read(s -> { }))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("bad.json images[1]")
        .hasMessageContaining("width");
  }

  @Test
  void anAnnotationWithoutACategoryHasNoLabelAndOneOfAnUnknownCategoryIsCounted() throws Exception {
    Path file = dir.resolve("categories.json");
    Files.writeString(file, """
        {"images": [{"id": 1, "file_name": "a.jpg", "width": 10, "height": 10}],
         "annotations": [
           {"id": 1, "image_id": 1, "bbox": [1, 1, 5, 5]},
           {"id": 2, "image_id": 1, "category_id": null, "bbox": [1, 1, 5, 5]},
           {"id": 3, "image_id": 1, "category_id": 7, "bbox": [1, 1, 5, 5]},
           {"id": 4, "image_id": 1, "category_id": 1, "bbox": [1, 1, 5, 5]}],
         "categories": [{"id": 0, "name": "background"}, {"id": 1, "name": "dog"}]}
        """);
    CocoSource source = new CocoSource(file, dir, null, "gt");
    List<SourceSample> samples = new ArrayList<>();
    source.<RuntimeException>read(samples::add);

    // Without category_id the first two took category 0's name.
    assertThat(samples.get(0).patches()).extracting(Patch::label).containsExactly(null, null, null, "dog");
    assertThat(source.annotationsOfUnknownCategories()).isEqualTo(1);
  }

  @Test
  void annotationsWithoutABoxOrImageAreCountedApartFromEmptyBoxes() throws Exception {
    // A captions or keypoints-only file: annotations with no bbox at all.
    Path file = dir.resolve("captions.json");
    Files.writeString(file, """
        {"images": [{"id": 1, "file_name": "a.jpg", "width": 10, "height": 10}],
         "annotations": [
           {"id": 1, "image_id": 1, "caption": "a dog"},
           {"id": 2, "image_id": 1, "category_id": 1, "bbox": null},
           {"id": 3, "image_id": 1, "category_id": 1, "bbox": [20, 20, 5, 5]},
           {"id": 4, "image_id": 999, "category_id": 1, "bbox": [1, 1, 5, 5]}]}
        """);
    CocoSource source = new CocoSource(file, dir, null, "gt");
    List<SourceSample> samples = new ArrayList<>();
    source.<RuntimeException>read(samples::add);

    assertThat(samples.get(0).patches()).isEmpty();
    assertThat(source.annotationsWithoutBox()).isEqualTo(2);
    assertThat(source.emptyBoxes()).isEqualTo(1);
    assertThat(source.annotationsOfUnknownImages()).isEqualTo(1);
  }

  @Test
  void aMalformedBoxIsNamed() throws Exception {
    Path file = dir.resolve("malformed.json");
    Files.writeString(file, """
        {"images": [{"id": 1, "file_name": "a.jpg", "width": 10, "height": 10}],
         "annotations": [
           {"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 5, 5]},
           {"id": 2, "image_id": 1, "category_id": 1, "bbox": ["1", 1, 5]}]}
        """);
    assertThatThrownBy(() -> new CocoSource(file, dir, null, "gt").<RuntimeException>read(s -> { }))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("malformed.json annotations[1]")
        .hasMessageContaining("bbox");
  }

  @Test
  void aFileNameThatIsNoPathIsNamed() throws Exception {
    Path file = dir.resolve("nul.json");
    Files.writeString(file, """
        {"images": [{"id": 1, "file_name": "a.jpg", "width": 10, "height": 10},
                    {"id": 2, "file_name": "b\\u0000.jpg", "width": 10, "height": 10}]}
        """);
    assertThatThrownBy(() -> new CocoSource(file, dir, null, "gt").<RuntimeException>read(s -> { }))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("nul.json images[1]: file_name is not a path")
        .hasMessageContaining("Nul character");
  }
}
