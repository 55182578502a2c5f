package io.simstream.run;

import java.time.Instant;

/** A registered dataset; events of datasets that are not registered go to the dead-letter topic. */
public record DatasetRecord(String name, Instant createdAt) {
}
