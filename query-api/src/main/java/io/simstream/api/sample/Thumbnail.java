package io.simstream.api.sample;

/** An encoded thumbnail and its media type. */
public record Thumbnail(byte[] bytes, String contentType) {
}
