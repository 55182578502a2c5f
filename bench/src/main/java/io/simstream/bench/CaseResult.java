package io.simstream.bench;

import java.util.List;

/** What one case measured: its figures and the facts a reader needs to interpret them. */
public record CaseResult(String name, String title, List<Figure> figures, List<String> notes) {

  public Figure figure(String figureName) {
    return figures.stream().filter(f -> f.name().equals(figureName)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException(name + " has no figure '" + figureName + "'"));
  }
}
