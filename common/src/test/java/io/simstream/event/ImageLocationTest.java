package io.simstream.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ImageLocationTest {
  @Test
  void aUriIsKeptAndAPathBecomesAnAbsoluteFileUri() {
    assertThat(ImageLocation.toUri("s3://photos/my%20cat.jpg")).isEqualTo(URI.create("s3://photos/my%20cat.jpg"));
    assertThat(ImageLocation.toUri("https://img.example.com/a.jpg").getHost()).isEqualTo("img.example.com");
    assertThat(ImageLocation.toUri("/data/my cat.jpg")).isEqualTo(Path.of("/data/my cat.jpg").toUri());
    assertThat(ImageLocation.toUri("cats/1.jpg").getPath()).endsWith("/cats/1.jpg").startsWith("/");
  }

  @Test
  void aUriWithAnUnescapedSpaceIsRefusedWithWhere() {
    assertThatThrownBy(() -> ImageLocation.toUri("https://img.example.com/my cat.jpg"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Illegal character in path at index 26");
  }

  @Test
  void aPathWithANulIsRefused() {
    assertThatThrownBy(() -> ImageLocation.toUri("cats/a\0.jpg")).isInstanceOf(IllegalArgumentException.class);
  }
}
