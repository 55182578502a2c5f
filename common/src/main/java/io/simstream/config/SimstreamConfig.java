package io.simstream.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolved, validated configuration. Precedence: environment variable, then configuration file,
 * then default. All problems are reported together at start.
 */
public final class SimstreamConfig {
  private static final Logger LOG = LoggerFactory.getLogger(SimstreamConfig.class);

  private final Map<Setting<?>, Object> values;
  private final Map<Setting<?>, String> sources;
  /** Values as written, to hand the configuration on to child processes unchanged. */
  private final Map<Setting<?>, String> raws;
  private final List<String> warnings;
  /** The SIMSTREAM_KAFKA_* pass-through; the bootstrap servers are added from their setting when asked. */
  private final KafkaClientProperties kafkaPassThrough;

  private SimstreamConfig(Map<Setting<?>, Object> values, Map<Setting<?>, String> sources,
                          Map<Setting<?>, String> raws, List<String> warnings,
                          KafkaClientProperties kafkaPassThrough) {
    this.values = values;
    this.sources = sources;
    this.raws = raws;
    this.warnings = List.copyOf(warnings);
    this.kafkaPassThrough = kafkaPassThrough;
  }

  /** Exit status of a service whose configuration is invalid. */
  public static final int EXIT_INVALID_CONFIG = 2;

  /** Reads the process environment and the file it names; logs the {@link #warnings()}. */
  public static SimstreamConfig fromEnvironment() {
    SimstreamConfig config = load(System.getenv());
    config.warnings().forEach(LOG::warn);
    return config;
  }

  /** For a main method: the configuration, or every problem printed and exit status 2. */
  public static SimstreamConfig fromEnvironmentOrExit() {
    return orExit(SimstreamConfig::fromEnvironment);
  }

  /** Runs a configuration step of a main method: its result, or every problem printed and exit status 2. */
  static <T> T orExit(Supplier<T> step) {
    try {
      return step.get();
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      System.exit(EXIT_INVALID_CONFIG);
      throw e;
    }
  }

  /** Resolves every setting from the given environment (and the file it may name). */
  public static SimstreamConfig load(Map<String, String> env) {
    List<String> problems = new ArrayList<>();
    Properties file = new Properties();
    String filePath = env.get(Settings.CONFIG_FILE_ENV);
    if (filePath != null && !filePath.isBlank()) {
      try (Reader reader = Files.newBufferedReader(Path.of(filePath.trim()))) {
        file.load(reader);
      } catch (IOException e) {
        problems.add(Settings.CONFIG_FILE_ENV + " = '" + filePath + "' cannot be read: " + e.getMessage());
      }
      for (String key : file.stringPropertyNames()) {
        Setting<?> setting = Settings.ALL.stream().filter(s -> s.key().equals(key)).findFirst().orElse(null);
        if (setting == null && key.startsWith(KafkaClientProperties.FILE_KEY_PREFIX)) {
          continue; // a Kafka client property, checked with the environment's below
        }
        if (setting == null) {
          problems.add("unknown key '" + key + "' in " + filePath);
        } else if (setting.environmentOnly()) {
          problems.add("key '" + key + "' in " + filePath + " has no effect: logging reads "
              + setting.envName() + " from the environment only, before this file is read");
        }
      }
    }
    Map<Setting<?>, Object> values = new HashMap<>();
    Map<Setting<?>, String> sources = new HashMap<>();
    Map<Setting<?>, String> raws = new HashMap<>();
    for (Setting<?> setting : Settings.ALL) {
      String raw;
      String source;
      if (env.containsKey(setting.envName())) {
        raw = env.get(setting.envName());
        source = "environment";
      } else if (file.containsKey(setting.key())) {
        raw = file.getProperty(setting.key());
        source = "file " + filePath;
      } else {
        raw = setting.defaultValue();
        source = "default";
      }
      try {
        values.put(setting, setting.parse(raw, source));
        sources.put(setting, source);
        raws.put(setting, raw);
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
    }
    problems.addAll(ElasticsearchAccessChecks.problems(values));
    KafkaClientProperties kafkaPassThrough =
        KafkaClientProperties.resolve(env, file, filePath, knownVariables(), problems);
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    List<String> warnings = new ArrayList<>(UnknownVariables.warnings(env.keySet(), knownVariables()));
    warnings.addAll(ElasticsearchAccessChecks.warnings(values));
    return new SimstreamConfig(values, sources, raws, warnings, kafkaPassThrough);
  }

  private static Set<String> knownVariables() {
    return Stream.of(Settings.ALL.stream().map(Setting::envName), Stream.of(Settings.CONFIG_FILE_ENV),
        Settings.LOCAL_SERVER_VARIABLES.stream()).flatMap(s -> s).collect(Collectors.toSet());
  }

  /** Starts from this configuration with some settings replaced (tests, the local run). */
  public SimstreamConfig with(Map<Setting<?>, String> overrides) {
    Map<Setting<?>, Object> copy = new HashMap<>(values);
    Map<Setting<?>, String> copySources = new HashMap<>(sources);
    Map<Setting<?>, String> copyRaws = new HashMap<>(raws);
    List<String> problems = new ArrayList<>();
    overrides.forEach((setting, raw) -> {
      try {
        copy.put(setting, setting.parse(raw, "override"));
        copySources.put(setting, "override");
        copyRaws.put(setting, raw);
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
    });
    problems.addAll(ElasticsearchAccessChecks.problems(copy));
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new SimstreamConfig(copy, copySources, copyRaws, warnings, kafkaPassThrough);
  }

  @SuppressWarnings("unchecked")
  public <T> T get(Setting<T> setting) {
    return (T) values.get(setting);
  }

  /** What every Kafka client is configured with: the bootstrap servers and the SIMSTREAM_KAFKA_* pass-through. */
  public KafkaClientProperties kafkaClientProperties() {
    return kafkaPassThrough.withBootstrapServers(get(Settings.KAFKA_BOOTSTRAP_SERVERS));
  }

  /** What is suspicious but not invalid, such as a SIMSTREAM_* variable no setting reads (a typo?). */
  public List<String> warnings() {
    return warnings;
  }

  /** This configuration as SIMSTREAM_* variables, for a child process (every setting, as written). */
  public Map<String, String> asEnvironment() {
    Map<String, String> env = new HashMap<>(kafkaPassThrough.asEnvironment());
    raws.forEach((setting, raw) -> env.put(setting.envName(), raw));
    return env;
  }

  /** Where a value came from: environment, file or default. */
  public String sourceOf(Setting<?> setting) {
    return sources.get(setting);
  }
}
