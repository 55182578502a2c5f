package io.simstream.event;

import com.fasterxml.jackson.annotation.JsonFormat;
import java.util.List;

/** A box in relative coordinates [x, y, width, height], each in [0, 1], as FiftyOne stores them. */
@JsonFormat(shape = JsonFormat.Shape.ARRAY)
public record BoundingBox(double x, double y, double width, double height) {
  List<EventProblem> problems() {
    boolean inside = x >= 0 && y >= 0 && width > 0 && height > 0 && x + width <= 1.0001 && y + height <= 1.0001;
    return inside ? List.of() : List.of(EventProblem.invalid("boundingBox " + List.of(x, y, width, height)
        + " is not inside [0, 1] with a positive size"));
  }
}
