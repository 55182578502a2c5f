package io.simstream.elasticsearch;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.transport.TransportException;
import io.simstream.config.Settings;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.Optional;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.elasticsearch.client.ResponseException;

/**
 * Says what an operator must fix when Elasticsearch refuses the connection or the credentials. A rejected
 * certificate or password otherwise shows as a bare exception class deep in a retry log ("PKIX path building
 * failed", "status: 401"), the same way an outage does, and it never heals by waiting.
 */
public final class ElasticsearchFailures {
  private static final int UNAUTHORIZED = 401;
  private static final int FORBIDDEN = 403;

  private ElasticsearchFailures() {
  }

  /** A failure that configuration must fix (credentials, privileges, certificate), described; else empty. */
  public static Optional<String> configurationProblem(Throwable failure) {
    Optional<String> tls = tlsProblem(failure);
    if (tls.isPresent()) {
      return tls;
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      int status = status(t);
      if (status == UNAUTHORIZED || status == FORBIDDEN) {
        return Optional.of(forStatus(status, t.getMessage()));
      }
    }
    return Optional.empty();
  }

  /** The HTTP status of the first Elasticsearch answer in the failure's causes; 0 when none answered. */
  public static int httpStatus(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      int status = status(t);
      if (status != 0) {
        return status;
      }
    }
    return 0;
  }

  /** The failure as one line: {@link #configurationProblem} when there is one, else its own text. */
  public static String describe(Throwable failure) {
    return configurationProblem(failure).orElseGet(failure::toString);
  }

  /** A 401 or 403 answer of Elasticsearch, explained; {@code detail} is Elasticsearch's reason. */
  public static String forStatus(int status, String detail) {
    if (status == UNAUTHORIZED) {
      return "Elasticsearch authentication failed (401): the credentials were rejected; check "
          + Settings.ES_USERNAME.envName() + "/" + Settings.ES_PASSWORD.envName() + " or "
          + Settings.ES_API_KEY.envName() + " (" + detail + ")";
    }
    return "Elasticsearch authenticated the user but denied the action (403, a missing privilege): give its role "
        + "the privileges listed in docs/deployment.md (" + detail + ")";
  }

  /** A TLS failure whose cause is the server's certificate or a plain-HTTP port, described; else empty. */
  public static Optional<String> tlsProblem(Throwable failure) {
    Throwable certificate = null;
    SSLException ssl = null;
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SSLPeerUnverifiedException peer) {
        return Optional.of("Elasticsearch's TLS certificate does not name the host it was reached at ("
            + peer.getMessage() + "): use a host name the certificate lists in " + Settings.ES_HOSTS.envName());
      }
      if (t instanceof SSLException e && ssl == null) {
        ssl = e;
      }
      if (t instanceof CertificateException || t instanceof CertPathBuilderException
          || t instanceof CertPathValidatorException) {
        certificate = t;
      }
    }
    if (certificate != null) {
      return Optional.of("Elasticsearch's TLS certificate is not trusted (" + certificate.getMessage() + "): set "
          + Settings.ES_CA_CERT.envName() + " to the CA certificate that signed it, or "
          + Settings.ES_CA_FINGERPRINT.envName() + " to its SHA-256 fingerprint");
    }
    if (ssl != null && String.valueOf(ssl.getMessage()).contains("Unsupported or unrecognized SSL message")) {
      return Optional.of("an https:// host in " + Settings.ES_HOSTS.envName() + " answered without TLS: use "
          + "http:// for it, or enable TLS on the node");
    }
    if (ssl != null) {
      return Optional.of("TLS with Elasticsearch failed: " + ssl.getMessage());
    }
    return Optional.empty();
  }

  private static int status(Throwable t) {
    if (t instanceof ResponseException e) {
      return e.getResponse().getStatusLine().getStatusCode();
    }
    if (t instanceof ElasticsearchException e) {
      return e.status();
    }
    if (t instanceof TransportException e) {
      return e.statusCode();
    }
    return 0;
  }
}
