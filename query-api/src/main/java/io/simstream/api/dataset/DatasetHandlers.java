package io.simstream.api.dataset;

import io.javalin.http.Context;
import io.simstream.api.error.BadRequestException;
import io.simstream.api.http.JsonIO;
import java.util.Map;

/** HTTP side of dataset registration: POST /v1/datasets and GET /v1/datasets. */
public final class DatasetHandlers {
  private final DatasetService service;

  public DatasetHandlers(DatasetService service) {
    this.service = service;
  }

  /** Request body. */
  public record RegisterDatasetRequest(String name) {
  }

  /** 201 when registered now, 200 when it already was. */
  public void register(Context ctx) {
    RegisterDatasetRequest request = JsonIO.read(ctx, RegisterDatasetRequest.class);
    if (request.name() == null || request.name().isBlank()) {
      throw new BadRequestException("missing field: name");
    }
    DatasetService.Registration registration = service.register(request.name());
    JsonIO.write(ctx, registration.created() ? 201 : 200, registration.dataset());
  }

  public void list(Context ctx) {
    JsonIO.write(ctx, 200, Map.of("datasets", service.list()));
  }
}
