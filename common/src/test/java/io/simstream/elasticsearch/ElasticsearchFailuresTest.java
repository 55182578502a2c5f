package io.simstream.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.security.cert.CertPathBuilderException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.junit.jupiter.api.Test;

/** The operator-facing text of failures that configuration must fix, and none for an outage. */
class ElasticsearchFailuresTest {

  @Test
  void anUntrustedCertificateNamesTheProblemAndBothWaysToFixIt() {
    SSLHandshakeException handshake = new SSLHandshakeException("PKIX path building failed");
    handshake.initCause(new CertPathBuilderException("unable to find valid certification path to requested target"));
    String text = ElasticsearchFailures.describe(new IOException("request failed", handshake));
    assertThat(text).contains("TLS certificate is not trusted").contains("unable to find valid certification path")
        .contains("SIMSTREAM_ES_CA_CERT").contains("SIMSTREAM_ES_CA_FINGERPRINT");
  }

  @Test
  void aCertificateForAnotherHostAndAPlainHttpPortAreToldApart() {
    assertThat(ElasticsearchFailures.describe(new SSLPeerUnverifiedException(
        "Host name 'es-1' does not match the certificate subject provided by the peer (CN=es-2)")))
        .contains("does not name the host").contains("es-1");
    assertThat(ElasticsearchFailures.describe(new SSLException("Unsupported or unrecognized SSL message")))
        .contains("answered without TLS");
  }

  @Test
  void rejectedCredentialsAndMissingPrivilegesAreSaidInWords() {
    assertThat(ElasticsearchFailures.forStatus(401, "unable to authenticate user [simstream]"))
        .contains("authentication failed").contains("SIMSTREAM_ES_PASSWORD").contains("simstream");
    assertThat(ElasticsearchFailures.forStatus(403, "action [indices:admin/create] is unauthorized"))
        .contains("missing privilege").contains("indices:admin/create");
  }

  @Test
  void anOutageIsNotAConfigurationProblem() {
    ConnectException refused = new ConnectException("Connection refused");
    assertThat(ElasticsearchFailures.configurationProblem(refused)).isEmpty();
    assertThat(ElasticsearchFailures.describe(refused)).isEqualTo(refused.toString());
  }
}
