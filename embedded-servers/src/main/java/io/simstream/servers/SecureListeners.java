package io.simstream.servers;

import java.util.Map;

/**
 * The secured listeners of a {@link KafkaBroker} started by {@link KafkaBroker#startSecure}: SASL_SSL with
 * SCRAM-SHA-512 (user {@link #scramUser()}) and SSL that requires a client certificate (mutual TLS). The
 * certificates in {@link #tls()} were made for this broker; the plain listener stays open for tests' own setup.
 * An authorizer is on: users added with {@link KafkaBroker#addScramUser} may do only what ACLs allow.
 */
public record SecureListeners(String saslSslBootstrapServers, String sslBootstrapServers, TlsFiles tls,
                              String scramUser, String scramPassword) {
  public static final String SCRAM_MECHANISM = "SCRAM-SHA-512";

  /** Kafka client properties for the SASL_SSL listener with the given password (the right one or not). */
  public Map<String, String> saslSslClientProperties(String password) {
    return saslSslClientProperties(new ScramUser(scramUser, password));
  }

  /** Kafka client properties for the SASL_SSL listener as another user (see {@link KafkaBroker#addScramUser}). */
  public Map<String, String> saslSslClientProperties(ScramUser user) {
    return Map.of(
        "security.protocol", "SASL_SSL",
        "sasl.mechanism", SCRAM_MECHANISM,
        "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
            + user.name() + "\" password=\"" + user.password() + "\";",
        "ssl.truststore.type", "PKCS12",
        "ssl.truststore.location", tls.truststore().toString(),
        "ssl.truststore.password", tls.password());
  }

  /** Kafka client properties for the mutual TLS listener, with the client certificate. */
  public Map<String, String> mutualTlsClientProperties() {
    return Map.of(
        "security.protocol", "SSL",
        "ssl.truststore.type", "PKCS12",
        "ssl.truststore.location", tls.truststore().toString(),
        "ssl.truststore.password", tls.password(),
        "ssl.keystore.type", "PKCS12",
        "ssl.keystore.location", tls.clientKeystore().toString(),
        "ssl.keystore.password", tls.password(),
        "ssl.key.password", tls.password());
  }
}
