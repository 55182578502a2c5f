package io.simstream.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;

/**
 * Checks {@link Settings#ES_CA_CERT} at start: empty, or a readable file holding at least one PEM (or DER) X.509
 * certificate. Without this check a wrong path only surfaces when the first client is built, as a stack trace.
 */
final class CaCertificateFile {
  private CaCertificateFile() {
  }

  static String parse(String raw) {
    String path = raw.trim();
    if (path.isEmpty()) {
      return path;
    }
    Path file = Path.of(path);
    if (!Files.isRegularFile(file)) {
      throw new Setting.Rejected("no such file");
    }
    if (!Files.isReadable(file)) {
      throw new Setting.Rejected("the file cannot be read by this user");
    }
    try (InputStream in = Files.newInputStream(file)) {
      if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
        throw new Setting.Rejected("the file holds no certificate");
      }
    } catch (CertificateException e) {
      throw new Setting.Rejected("the file holds no valid certificate (" + e.getMessage() + ")");
    } catch (IOException e) {
      throw new Setting.Rejected("the file cannot be read (" + e.getMessage() + ")");
    }
    return path;
  }
}
