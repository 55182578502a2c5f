package io.simstream.embedding.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsLiteralParserTest {

  @Test
  void readsMinifiedLiterals() {
    String js = "a.exports={name:\"Conv1\",trainable:!1,center:!0,seed:null,min:-.46,scale:1e-3,"
        + "'quoted key':[1,[2,3],{}],text:\"say \\\"hi\\\"\\u0021\"};more code";
    Map<String, Object> expected = new LinkedHashMap<>(Map.of(
        "name", "Conv1",
        "trainable", false,
        "center", true,
        "min", -0.46,
        "scale", 0.001,
        "quoted key", List.of(1.0, List.of(2.0, 3.0), Map.of()),
        "text", "say \"hi\"!"));
    expected.put("seed", null);
    assertThat(JsLiteralParser.parse(js, js.indexOf('{'))).isEqualTo(expected);
  }
}
