package io.simstream.api.sample;

import io.javalin.http.Context;
import io.simstream.api.error.BadRequestException;
import io.simstream.api.http.JsonIO;
import java.util.Map;

/** HTTP side of a run's document summaries and thumbnails: GET {@code RUN/documents}, {@code RUN/thumbnail}. */
public final class SampleHandlers {
  /** Thumbnails change only when a sample's image does; short enough that an update shows soon. */
  static final String CACHE_CONTROL = "private, max-age=300";

  private final SampleService samples;
  private final ThumbnailService thumbnails;

  public SampleHandlers(SampleService samples, ThumbnailService thumbnails) {
    this.samples = samples;
    this.thumbnails = thumbnails;
  }

  /** {@code ?id=a&id=b}: {"documents": [...], "missingIds": [...]}. */
  public void describe(Context ctx) {
    SampleService.Lookup lookup = samples.describe(ctx.pathParam("dataset"), ctx.pathParam("brainKey"),
        ctx.queryParams("id"));
    JsonIO.write(ctx, 200, Map.of("documents", lookup.documents(), "missingIds", lookup.missingIds()));
  }

  /** {@code ?id=a&size=256}: the image, its longer side at most {@code size} pixels. */
  public void thumbnail(Context ctx) {
    String id = ctx.queryParam("id");
    if (id == null) {
      throw new BadRequestException("missing query parameter: id");
    }
    Thumbnail thumbnail = thumbnails.thumbnail(ctx.pathParam("dataset"), ctx.pathParam("brainKey"), id,
        size(ctx.queryParam("size")));
    ctx.header("Cache-Control", CACHE_CONTROL).contentType(thumbnail.contentType()).result(thumbnail.bytes());
  }

  private static int size(String value) {
    if (value == null) {
      return ThumbnailService.DEFAULT_SIZE;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new BadRequestException("size must be an integer, got '" + value + "'");
    }
  }
}
