package io.simstream.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * What every Kafka client simstream creates (producers, consumers, admin clients, Kafka Streams) is given: the
 * bootstrap servers and the pass-through properties, typically security ({@code security.protocol},
 * {@code sasl.*}, {@code ssl.*}).
 *
 * <p>A pass-through property is any Kafka property that the producer, the consumer and the admin client all
 * accept, named {@code SIMSTREAM_KAFKA_<NAME>} in the environment ({@code SIMSTREAM_KAFKA_SASL_JAAS_CONFIG} is
 * {@code sasl.jaas.config}) or {@code kafka.<name>} in the configuration file. A name ending in {@code _FILE}
 * (file key: {@code .file}) holds the path of a file whose content is the value, for secrets mounted as files.
 * Names, values and files are checked at start; a property for one kind of client only (such as {@code acks})
 * is refused, because simstream sets those itself where correctness depends on them.
 */
public final class KafkaClientProperties {
  static final String ENV_PREFIX = "SIMSTREAM_KAFKA_";
  static final String FILE_KEY_PREFIX = "kafka.";
  private static final String ENV_FILE_SUFFIX = "_FILE";
  private static final String FILE_KEY_FILE_SUFFIX = ".file";
  private static final String REDACTED = "[hidden]";
  /** The most requests an idempotent producer may have in flight per connection and still keep order. */
  static final int MAX_IN_FLIGHT_WITH_ORDER = 5;

  /** Properties shared by the three client kinds, with their definitions (for types, validators, secrets). */
  private static final Map<String, ConfigDef.ConfigKey> COMMON = commonClientProperties();
  private static final Map<String, String> BY_ENV_NAME = COMMON.keySet().stream()
      .collect(Collectors.toMap(KafkaClientProperties::envName, name -> name));

  private final String bootstrapServers;
  private final Map<String, String> passThrough;
  /** Names whose value must not be logged: Kafka's password types and every value read from a file. */
  private final Set<String> secret;
  /** The pass-through as written (variable name to raw value), for child processes. */
  private final Map<String, String> asWritten;

  private KafkaClientProperties(String bootstrapServers, Map<String, String> passThrough, Set<String> secret,
                                Map<String, String> asWritten) {
    this.bootstrapServers = bootstrapServers;
    this.passThrough = Map.copyOf(passThrough);
    this.secret = Set.copyOf(secret);
    this.asWritten = Map.copyOf(asWritten);
  }

  /**
   * Reads the pass-through from the environment (first) and the configuration file; every problem is added to
   * {@code problems}. Variables in {@code reservedEnvNames} (simstream's own settings) are not pass-through.
   */
  static KafkaClientProperties resolve(Map<String, String> env, Properties file, String filePath,
                                       Set<String> reservedEnvNames, List<String> problems) {
    Map<String, String> values = new TreeMap<>();
    Set<String> secret = new TreeSet<>();
    Map<String, String> asWritten = new TreeMap<>();
    Map<String, String> origin = new HashMap<>();
    for (String variable : new TreeSet<>(env.keySet())) {
      if (variable.startsWith(ENV_PREFIX) && !reservedEnvNames.contains(variable)) {
        String raw = env.get(variable);
        add(variable, raw, variable, "environment", values, secret, origin, problems, reservedEnvNames);
        asWritten.put(variable, raw);
      }
    }
    Set<String> settingKeys = Settings.ALL.stream().map(Setting::key).collect(Collectors.toSet());
    for (String key : new TreeSet<>(file.stringPropertyNames())) {
      if (key.startsWith(FILE_KEY_PREFIX) && !settingKeys.contains(key)) {
        String variable = ENV_PREFIX + key.substring(FILE_KEY_PREFIX.length()).toUpperCase(Locale.ROOT)
            .replace('.', '_').replace('-', '_');
        if (variable.endsWith(ENV_FILE_SUFFIX) && !key.endsWith(FILE_KEY_FILE_SUFFIX)) {
          problems.add("key '" + key + "' in " + filePath + " is not a Kafka client property");
          continue;
        }
        String name = BY_ENV_NAME.get(variable.endsWith(ENV_FILE_SUFFIX)
            ? variable.substring(0, variable.length() - ENV_FILE_SUFFIX.length()) : variable);
        if (name != null && values.containsKey(name) && origin.get(name).equals("environment")) {
          continue; // the environment wins over the file
        }
        String raw = file.getProperty(key);
        add(variable, raw, key, "file " + filePath, values, secret, origin, problems, reservedEnvNames);
        asWritten.put(variable, raw);
      }
    }
    return new KafkaClientProperties(null, values, secret, asWritten);
  }

  private static void add(String variable, String raw, String writtenAs, String source, Map<String, String> values,
                          Set<String> secret, Map<String, String> origin, List<String> problems,
                          Set<String> reservedEnvNames) {
    boolean fromFile = variable.endsWith(ENV_FILE_SUFFIX) && !BY_ENV_NAME.containsKey(variable);
    String name = BY_ENV_NAME.get(fromFile ? variable.substring(0, variable.length() - ENV_FILE_SUFFIX.length())
        : variable);
    if (name == null) {
      problems.add(writtenAs + " (from " + source + ") is not a Kafka property that producers, consumers and admin "
          + "clients all accept" + suggestion(variable, reservedEnvNames));
      return;
    }
    if (values.containsKey(name) && origin.get(name).startsWith(source)) {
      problems.add(name + " is given twice in the " + source + " (directly and from a file): keep one");
      return;
    }
    String value = raw;
    if (fromFile) {
      try {
        // Secret files usually end with a newline that is not part of the secret.
        value = Files.readString(Path.of(raw.trim()), StandardCharsets.UTF_8).stripTrailing();
      } catch (IOException | RuntimeException e) {
        problems.add(writtenAs + " = '" + raw + "' (from " + source + "): the file holding " + name
            + " cannot be read: " + e);
        return;
      }
      if (value.isEmpty()) {
        problems.add(writtenAs + " = '" + raw + "' (from " + source + "): the file holding " + name + " is empty");
        return;
      }
      secret.add(name);
    }
    ConfigDef.ConfigKey definition = COMMON.get(name);
    if (definition.type == ConfigDef.Type.PASSWORD) {
      secret.add(name);
    }
    String shown = secret.contains(name) ? REDACTED : "'" + value + "'";
    try {
      Object parsed = ConfigDef.parseType(name, value, definition.type);
      if (definition.validator != null) {
        definition.validator.ensureValid(name, parsed);
      }
    } catch (ConfigException e) {
      problems.add(writtenAs + " = " + shown + " (from " + source + ") is not a valid " + name + ": "
          + (secret.contains(name) ? "check its " + definition.type.name().toLowerCase(Locale.ROOT) + " syntax"
          : e.getMessage()));
      return;
    }
    // Key and trust stores are read when a client starts: a wrong path should stop the service now.
    if (name.endsWith(".location") && !Files.isReadable(Path.of(value))) {
      problems.add(writtenAs + " = " + shown + " (from " + source + "): no readable file there for " + name);
      return;
    }
    values.put(name, value);
    origin.put(name, source);
  }

  /** The closest pass-through name or simstream Kafka setting, when the given name looks like a typo of it. */
  private static String suggestion(String variable, Set<String> reservedEnvNames) {
    Set<String> candidates = new TreeSet<>(BY_ENV_NAME.keySet());
    reservedEnvNames.stream().filter(name -> name.startsWith(ENV_PREFIX)).forEach(candidates::add);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String known : candidates) {
      int distance = UnknownVariables.editDistance(variable, known);
      if (distance < bestDistance) {
        best = known;
        bestDistance = distance;
      }
    }
    if (bestDistance > 3) {
      return "";
    }
    return "; did you mean " + best + (BY_ENV_NAME.containsKey(best) ? " (" + BY_ENV_NAME.get(best) + ")" : "") + "?";
  }

  /** This pass-through with the given bootstrap servers, which come from their own setting. */
  KafkaClientProperties withBootstrapServers(String servers) {
    return new KafkaClientProperties(servers, passThrough, secret, asWritten);
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** A new, modifiable map of the bootstrap servers and the pass-through: a client adds its own settings. */
  public Map<String, Object> asMap() {
    Map<String, Object> map = new HashMap<>(passThrough);
    map.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return map;
  }

  /**
   * {@link #asMap()} with what keeps one key's records in the order they were sent, without duplicates,
   * through retries and broker restarts (docs/events.md, "Producer settings"): idempotence, which needs
   * acks=all and at most 5 requests in flight. Every producer simstream ships starts from this map.
   */
  public Map<String, Object> orderedProducerMap() {
    Map<String, Object> map = asMap();
    map.put(ProducerConfig.ACKS_CONFIG, "all");
    map.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    map.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, MAX_IN_FLIGHT_WITH_ORDER);
    return map;
  }

  /** Like {@link #asMap()}, as the Properties some Kafka APIs take. */
  public Properties asProperties() {
    Properties props = new Properties();
    props.putAll(asMap());
    return props;
  }

  /** The pass-through as SIMSTREAM_KAFKA_* variables, as written (file paths, not secrets), for a child process. */
  Map<String, String> asEnvironment() {
    return asWritten;
  }

  /** The SIMSTREAM_KAFKA_* variables that pass these Kafka client properties through. */
  public static Map<String, String> environmentOf(Map<String, String> kafkaProperties) {
    Map<String, String> env = new TreeMap<>();
    kafkaProperties.forEach((name, value) -> env.put(envName(name), value));
    return env;
  }

  /** The variable that passes Kafka client property {@code kafkaName} through (security.protocol: SIMSTREAM_KAFKA_SECURITY_PROTOCOL). */
  public static String envName(String kafkaName) {
    return ENV_PREFIX + kafkaName.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  private static Map<String, ConfigDef.ConfigKey> commonClientProperties() {
    Map<String, ConfigDef.ConfigKey> producer = ProducerConfig.configDef().configKeys();
    Set<String> consumer = ConsumerConfig.configNames();
    Set<String> admin = AdminClientConfig.configNames();
    Map<String, ConfigDef.ConfigKey> common = new TreeMap<>();
    producer.forEach((name, key) -> {
      if (consumer.contains(name) && admin.contains(name)
          && !name.equals(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)) {
        common.put(name, key);
      }
    });
    return Map.copyOf(common);
  }

  /** The Kafka properties a SIMSTREAM_KAFKA_* variable may name (for documentation and tests). */
  static Set<String> passThroughNames() {
    return new TreeSet<>(COMMON.keySet());
  }

  /** Bootstrap servers and pass-through names with their values; secrets hidden (safe to log). */
  @Override
  public String toString() {
    Map<String, String> shown = new TreeMap<>();
    passThrough.forEach((name, value) -> shown.put(name, secret.contains(name) ? REDACTED : value));
    return "bootstrap.servers=" + bootstrapServers + (shown.isEmpty() ? "" : " " + shown);
  }
}
