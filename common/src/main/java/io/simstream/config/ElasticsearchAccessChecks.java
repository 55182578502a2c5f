package io.simstream.config;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks across the Elasticsearch connection settings, which no single value shows wrong: half a basic-auth
 * pair, two ways to trust a certificate, trust settings without an https host. Each would otherwise surface only
 * as a 401 or a handshake failure on the first request.
 */
final class ElasticsearchAccessChecks {
  private ElasticsearchAccessChecks() {
  }

  /** Problems that stop the start; settings that failed their own parsing are absent from {@code values}. */
  static List<String> problems(Map<Setting<?>, Object> values) {
    List<String> problems = new ArrayList<>();
    String user = text(values, Settings.ES_USERNAME);
    String password = text(values, Settings.ES_PASSWORD);
    String apiKey = text(values, Settings.ES_API_KEY);
    String caCert = text(values, Settings.ES_CA_CERT);
    String fingerprint = text(values, Settings.ES_CA_FINGERPRINT);
    if (apiKey.isEmpty() && user.isEmpty() != password.isEmpty()) {
      problems.add(name(user.isEmpty() ? Settings.ES_PASSWORD : Settings.ES_USERNAME) + " is set but "
          + name(user.isEmpty() ? Settings.ES_USERNAME : Settings.ES_PASSWORD)
          + " is empty: basic auth needs both (or set " + name(Settings.ES_API_KEY) + " instead)");
    }
    if (!caCert.isEmpty() && !fingerprint.isEmpty()) {
      problems.add(name(Settings.ES_CA_CERT) + " and " + name(Settings.ES_CA_FINGERPRINT)
          + " are both set: trust the hosts' certificates one way, the CA file or the fingerprint");
    }
    @SuppressWarnings("unchecked")
    List<URI> hosts = (List<URI>) values.get(Settings.ES_HOSTS);
    if (hosts != null && hosts.stream().noneMatch(ElasticsearchAccessChecks::https)) {
      for (Setting<String> trust : List.of(Settings.ES_CA_CERT, Settings.ES_CA_FINGERPRINT)) {
        if (!text(values, trust).isEmpty()) {
          problems.add(name(trust) + " is set but no host in " + name(Settings.ES_HOSTS)
              + " uses https://, so it would have no effect");
        }
      }
    }
    return problems;
  }

  /** What is allowed but probably not meant. */
  static List<String> warnings(Map<Setting<?>, Object> values) {
    List<String> warnings = new ArrayList<>();
    boolean apiKey = !text(values, Settings.ES_API_KEY).isEmpty();
    if (apiKey && !text(values, Settings.ES_USERNAME).isEmpty()) {
      warnings.add(name(Settings.ES_API_KEY) + " is set, so " + name(Settings.ES_USERNAME) + "/"
          + name(Settings.ES_PASSWORD) + " are not used");
    }
    boolean credentials = apiKey || !text(values, Settings.ES_PASSWORD).isEmpty();
    @SuppressWarnings("unchecked")
    List<URI> hosts = (List<URI>) values.get(Settings.ES_HOSTS);
    if (credentials && hosts != null) {
      hosts.stream().filter(host -> !https(host) && !loopback(host.getHost())).forEach(host ->
          warnings.add("Elasticsearch credentials go to " + host + " in clear text: use https:// for a host off "
              + "this machine"));
    }
    return warnings;
  }

  private static boolean https(URI host) {
    return "https".equals(host.getScheme());
  }

  private static boolean loopback(String host) {
    if (host.equals("localhost")) {
      return true;
    }
    // Only literal addresses are checked: a name lookup at start could block on DNS.
    if (!host.matches("[0-9.]+") && !host.startsWith("[")) {
      return false;
    }
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static String text(Map<Setting<?>, Object> values, Setting<String> setting) {
    Object value = values.get(setting);
    return value == null ? "" : (String) value;
  }

  private static String name(Setting<?> setting) {
    return setting.envName();
  }
}
