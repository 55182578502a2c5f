package io.simstream.elasticsearch;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS trust of the Elasticsearch client: the JDK's CAs (null context), every certificate of a PEM file, or a
 * pinned SHA-256 fingerprint. The host name is checked by the HTTP client in every case.
 */
public final class ElasticsearchTrust {
  private ElasticsearchTrust() {
  }

  /** Trusts the certificates of the file, which may hold a chain or several CAs (not only the first one). */
  public static SSLContext fromCaFile(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int n = 0;
      for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("ca-" + n++, certificate);
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      return context(factory.getTrustManagers());
    } catch (IOException e) {
      // The configuration checked the file at start; failing here means it changed since.
      throw new UncheckedIOException("cannot read CA certificate file " + file, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot use CA certificate file " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Trusts a server whose chain holds a certificate with this SHA-256 fingerprint (64 lower-case hex digits):
   * the CA's, as Elasticsearch prints it at first start, or the server's own.
   */
  public static SSLContext fromFingerprint(String sha256Hex) {
    return context(new TrustManager[] {new FingerprintTrustManager(HexFormat.of().parseHex(sha256Hex))});
  }

  /** SHA-256 of a certificate's DER encoding, as {@link #fromFingerprint} expects it. */
  public static String fingerprint(Certificate certificate) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static SSLContext context(TrustManager[] trustManagers) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trustManagers, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final class FingerprintTrustManager implements X509TrustManager {
    private final byte[] expected;

    FingerprintTrustManager(byte[] expected) {
      this.expected = expected;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      for (X509Certificate certificate : chain) {
        if (MessageDigest.isEqual(expected, HexFormat.of().parseHex(fingerprint(certificate)))) {
          certificate.checkValidity();
          return;
        }
      }
      throw new CertificateException("no certificate of the server's chain has the configured SHA-256 fingerprint "
          + HexFormat.of().formatHex(expected) + "; the server sent " + List.of(chain).stream()
          .map(c -> c.getSubjectX500Principal().getName() + " (" + fingerprint(c) + ")").toList());
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("a client-side trust manager");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
