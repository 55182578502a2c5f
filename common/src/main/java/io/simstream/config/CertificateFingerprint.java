package io.simstream.config;

import java.util.Locale;

/**
 * Parses {@link Settings#ES_CA_FINGERPRINT}: a SHA-256 fingerprint as Elasticsearch prints it at first start
 * ({@code a1b2...}) or as openssl and keytool print it ({@code A1:B2:...}). Comes back as 64 lower-case hex digits.
 */
final class CertificateFingerprint {
  private static final int SHA256_HEX_DIGITS = 64;

  private CertificateFingerprint() {
  }

  static String parse(String raw) {
    String hex = raw.trim().replace(":", "").toLowerCase(Locale.ROOT);
    if (hex.isEmpty()) {
      return hex;
    }
    if (!hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
      throw new Setting.Rejected("it holds characters other than hex digits and colons");
    }
    if (hex.length() != SHA256_HEX_DIGITS) {
      throw new Setting.Rejected("it has " + hex.length() + " hex digits; a SHA-256 fingerprint has "
          + SHA256_HEX_DIGITS + " (a SHA-1 one, 40, is not accepted)");
    }
    return hex;
  }
}
