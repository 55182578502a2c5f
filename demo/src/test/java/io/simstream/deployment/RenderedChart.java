package io.simstream.deployment;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The Kubernetes objects `helm template` renders from helm/simstream, looked up by kind and name. */
record RenderedChart(List<Map<String, Object>> objects) {
  static final String CHART = "helm/simstream";

  static Path chartDirectory() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(CHART).resolve("Chart.yaml"))) {
        return dir.resolve(CHART);
      }
    }
    throw new IllegalStateException("no " + CHART + " above " + Path.of("").toAbsolutePath());
  }

  /** Renders the chart as release {@code release} with {@code values} set as by `--set`. */
  static RenderedChart render(String release, Map<String, Object> values) {
    TemplateCommand template = new Helm(chartDirectory()).template().withName(release).withNamespace("simstream");
    values.forEach(template::set);
    return parse(template.call());
  }

  /** Renders the chart as release {@code release} with the values of a values file ({@code -f}). */
  static RenderedChart render(String release, Path valuesFile) {
    return parse(new Helm(chartDirectory()).template().withName(release).withNamespace("simstream")
        .withValuesFile(valuesFile).call());
  }

  static RenderedChart parse(String manifests) {
    List<Map<String, Object>> objects = new ArrayList<>();
    // Helm keeps the last of two equal keys, kubectl and Flux refuse them: a render with one is a bug.
    LoaderOptions strict = new LoaderOptions();
    strict.setAllowDuplicateKeys(false);
    for (Object document : new Yaml(new SafeConstructor(strict)).loadAll(manifests)) {
      if (document != null) {
        @SuppressWarnings("unchecked")
        Map<String, Object> object = (Map<String, Object>) document;
        objects.add(object);
      }
    }
    return new RenderedChart(objects);
  }

  List<String> kindsAndNames() {
    return objects.stream().map(o -> o.get("kind") + "/" + at(o, "metadata.name")).sorted().toList();
  }

  Map<String, Object> get(String kind, String name) {
    return objects.stream().filter(o -> kind.equals(o.get("kind")) && name.equals(at(o, "metadata.name")))
        .findFirst().orElseThrow(() -> new AssertionError("no " + kind + "/" + name + " in " + kindsAndNames()));
  }

  /** The value at a dotted path of maps; list elements are addressed by their `name` (e.g. containers.indexer). */
  static Object at(Object node, String path) {
    Object current = node;
    for (String part : path.split("\\.")) {
      if (current instanceof Map<?, ?> map) {
        current = map.get(part);
      } else if (current instanceof List<?> list) {
        current = list.stream().filter(e -> e instanceof Map<?, ?> m && part.equals(m.get("name")))
            .findFirst().orElse(null);
      } else {
        return null;
      }
    }
    return current;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> mapAt(Object node, String path) {
    return (Map<String, Object>) at(node, path);
  }

  @SuppressWarnings("unchecked")
  static List<Object> listAt(Object node, String path) {
    return (List<Object>) at(node, path);
  }
}
