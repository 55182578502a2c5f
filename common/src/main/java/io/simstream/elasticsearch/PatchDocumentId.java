package io.simstream.elasticsearch;

import io.simstream.event.DocumentIds;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The document id of one patch in a patch index: its sample and its label together, so that each
 * (sample, label) document is versioned by the offsets of its own sample only (one key, one
 * partition), even when a label id moves to a sample on another partition. Readers look patches up
 * by the {@code label_id} field, never by this id.
 *
 * <p>The form is {@code <UTF-8 byte length of the sample id>:<sample id>:<label id>}: the length
 * prefix makes it unambiguous whatever characters the ids hold. When that exceeds Elasticsearch's
 * 512-byte limit on ids, it is {@code sha256:} and the base64url SHA-256 of that form instead; a
 * digit never starts that, so the two forms never meet.
 */
public final class PatchDocumentId {
  private static final String HASHED_PREFIX = "sha256:";

  private PatchDocumentId() {
  }

  public static String of(String sampleId, String labelId) {
    int sampleBytes = utf8Length(sampleId);
    String plain = sampleBytes + ":" + sampleId + ":" + labelId;
    if (utf8Length(plain) <= DocumentIds.MAX_UTF8_BYTES) {
      return plain;
    }
    return HASHED_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(plain));
  }

  /** Counted, not encoded: this runs for every patch written. Ids have no unpaired surrogates (validated). */
  static int utf8Length(String value) {
    int bytes = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  private static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM provides SHA-256", e);
    }
  }
}
