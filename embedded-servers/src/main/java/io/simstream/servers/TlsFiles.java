package io.simstream.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * A throwaway certificate authority and the PKCS12 stores signed by it, made with the JDK's keytool: a trust store
 * holding the CA, a broker key store valid for 127.0.0.1 and localhost, and a client key store for mutual TLS.
 * Every store has the same generated password. For tests and the local run only.
 */
public record TlsFiles(Path truststore, Path brokerKeystore, Path clientKeystore, String password) {
  /** Subject of the client certificate; the broker sees the principal {@code User:CN=simstream-client}. */
  public static final String CLIENT_DN = "CN=simstream-client";
  private static final Duration KEYTOOL_TIMEOUT = Duration.ofSeconds(60);
  private static final String VALIDITY_DAYS = "2";

  /** Writes the stores into {@code dir}, replacing what an earlier attempt left there (keytool would refuse it). */
  public static TlsFiles generate(Path dir) {
    Dirs.deleteTree(dir);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String password = UUID.randomUUID().toString();
    Path ca = dir.resolve("ca.p12");
    Path caPem = dir.resolve("ca.pem");
    Path truststore = dir.resolve("truststore.p12");
    keytool(password, "-genkeypair", "-alias", "ca", "-dname", "CN=simstream-test-ca", "-ext", "bc:c",
        "-keyalg", "RSA", "-keysize", "2048", "-validity", VALIDITY_DAYS, "-keystore", ca.toString());
    keytool(password, "-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-file", caPem.toString());
    keytool(password, "-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(),
        "-keystore", truststore.toString());
    Path broker = signed(dir, "broker", "CN=localhost", "SAN=ip:127.0.0.1,dns:localhost", ca, caPem, password);
    Path client = signed(dir, "client", CLIENT_DN, null, ca, caPem, password);
    return new TlsFiles(truststore, broker, client, password);
  }

  /** A key store with a new key pair whose certificate the CA signed, the CA certificate with it (the chain). */
  private static Path signed(Path dir, String name, String dn, String extension, Path ca, Path caPem,
                             String password) {
    Path keystore = dir.resolve(name + ".p12");
    Path request = dir.resolve(name + ".csr");
    Path certificate = dir.resolve(name + ".pem");
    keytool(password, "-genkeypair", "-alias", name, "-dname", dn, "-keyalg", "RSA", "-keysize", "2048",
        "-validity", VALIDITY_DAYS, "-keystore", keystore.toString());
    keytool(password, "-certreq", "-alias", name, "-keystore", keystore.toString(), "-file", request.toString());
    List<String> sign = new ArrayList<>(List.of("-gencert", "-rfc", "-alias", "ca", "-keystore", ca.toString(),
        "-infile", request.toString(), "-outfile", certificate.toString(), "-validity", VALIDITY_DAYS));
    if (extension != null) {
      sign.addAll(List.of("-ext", extension));
    }
    keytool(password, sign.toArray(String[]::new));
    keytool(password, "-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(),
        "-keystore", keystore.toString());
    keytool(password, "-importcert", "-alias", name, "-file", certificate.toString(), "-keystore",
        keystore.toString());
    return keystore;
  }

  private static void keytool(String password, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(Arrays.asList(args));
    command.addAll(List.of("-storetype", "PKCS12", "-storepass", password, "-keypass", password));
    Processes.run(KEYTOOL_TIMEOUT, command.toArray(String[]::new));
  }
}
