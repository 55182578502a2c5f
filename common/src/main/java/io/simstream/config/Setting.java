package io.simstream.config;

import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One configuration value: its file key, the environment variable derived from it, its default
 * and how to parse and validate it. Every setting of simstream is declared in {@link Settings}.
 */
public final class Setting<T> {
  private static final String ENV_PREFIX = "SIMSTREAM_";

  private final String key;
  private final String description;
  private final String defaultValue;
  private final Function<String, T> parser;
  private final Predicate<T> valid;
  private final String validDescription;
  private final boolean environmentOnly;
  /** Never printed: a rejected value is reported without it. */
  private final boolean secret;

  private Setting(String key, String description, String defaultValue, Function<String, T> parser,
                  Predicate<T> valid, String validDescription) {
    this(key, description, defaultValue, parser, valid, validDescription, false);
  }

  private Setting(String key, String description, String defaultValue, Function<String, T> parser,
                  Predicate<T> valid, String validDescription, boolean environmentOnly) {
    this(key, description, defaultValue, parser, valid, validDescription, environmentOnly, false);
  }

  private Setting(String key, String description, String defaultValue, Function<String, T> parser,
                  Predicate<T> valid, String validDescription, boolean environmentOnly, boolean secret) {
    this.secret = secret;
    this.key = Objects.requireNonNull(key);
    this.description = description;
    this.defaultValue = defaultValue;
    this.parser = parser;
    this.valid = valid;
    this.validDescription = validDescription;
    this.environmentOnly = environmentOnly;
  }

  static Setting<String> string(String key, String defaultValue, String description) {
    return new Setting<>(key, description, defaultValue, String::trim, s -> true, "any text");
  }

  static Setting<String> nonBlank(String key, String defaultValue, String description) {
    return new Setting<>(key, description, defaultValue, String::trim, s -> !s.isBlank(), "a non-empty value");
  }

  static Setting<String> choice(String key, String defaultValue, java.util.Set<String> choices, String description) {
    return new Setting<>(key, description, defaultValue, s -> s.trim().toLowerCase(Locale.ROOT), choices::contains,
        "one of " + new java.util.TreeSet<>(choices));
  }

  static Setting<Integer> intRange(String key, int defaultValue, int min, int max, String description) {
    return new Setting<>(key, description, Integer.toString(defaultValue), s -> Integer.parseInt(s.trim()),
        v -> v >= min && v <= max, "an integer in [" + min + ", " + max + "]");
  }

  static Setting<Long> longRange(String key, long defaultValue, long min, long max, String description) {
    return new Setting<>(key, description, Long.toString(defaultValue), s -> Long.parseLong(s.trim()),
        v -> v >= min && v <= max, "an integer in [" + min + ", " + max + "]");
  }

  static Setting<Boolean> bool(String key, boolean defaultValue, String description) {
    return new Setting<>(key, description, Boolean.toString(defaultValue), Setting::parseBoolean, v -> true,
        "true or false");
  }

  static <E extends Enum<E>> Setting<E> oneOf(String key, E defaultValue, Class<E> type, String description) {
    return new Setting<>(key, description, defaultValue.name().toLowerCase(Locale.ROOT),
        s -> Enum.valueOf(type, s.trim().toUpperCase(Locale.ROOT)), v -> true,
        "one of " + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT));
  }

  /**
   * A value whose parser explains what is wrong by throwing {@link Rejected}; the explanation is appended to
   * the problem reported at start.
   */
  static <T> Setting<T> parsed(String key, String defaultValue, Function<String, T> parser, String validDescription,
                               String description) {
    return new Setting<>(key, description, defaultValue, parser, v -> true, validDescription);
  }

  /**
   * A logback level read by logback itself from the environment, before the configuration is loaded: it is
   * validated here so that a typo stops the service instead of silently meaning DEBUG (logback's fallback).
   */
  static Setting<String> logLevel(String key, String defaultValue, String description) {
    java.util.Set<String> levels = java.util.Set.of("off", "error", "warn", "info", "debug", "trace", "all");
    return new Setting<>(key, description, defaultValue, s -> s, s -> levels.contains(s.toLowerCase(Locale.ROOT)),
        "one of " + new java.util.TreeSet<>(levels) + " (any case, no spaces)", true);
  }

  /** A choice logback compares verbatim (case and spaces count), read from the environment only. */
  static Setting<String> logChoice(String key, String defaultValue, java.util.Set<String> choices,
                                   String description) {
    return new Setting<>(key, description, defaultValue, s -> s, choices::contains,
        "exactly one of " + new java.util.TreeSet<>(choices), true);
  }

  /** The same setting, its value kept out of every message (passwords, keys, tokens). */
  Setting<T> secret() {
    return new Setting<>(key, description, defaultValue, parser, valid, validDescription, environmentOnly, true);
  }

  /** Whether the value is a secret, never to be printed. */
  public boolean isSecret() {
    return secret;
  }

  private static boolean parseBoolean(String s) {
    return switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "1" -> true;
      case "false", "no", "0" -> false;
      default -> throw new IllegalArgumentException("not a boolean");
    };
  }

  /** Key in a configuration file, e.g. {@code es.hosts}. */
  public String key() {
    return key;
  }

  /** Environment variable, e.g. {@code SIMSTREAM_ES_HOSTS}. */
  public String envName() {
    return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /**
   * True when only the environment variable is read (never the configuration file): logback reads it
   * when logging starts, before the file is loaded.
   */
  public boolean environmentOnly() {
    return environmentOnly;
  }

  public String description() {
    return description;
  }

  /** The default as text, or null when the setting is optional and has none. */
  public String defaultValue() {
    return defaultValue;
  }

  /** Parses and validates a raw value; the message says which setting and what it expects. */
  T parse(String raw, String source) {
    T value;
    try {
      value = parser.apply(raw);
    } catch (Rejected e) {
      throw new IllegalArgumentException(describe(raw, source) + ": " + e.getMessage());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(describe(raw, source));
    }
    if (!valid.test(value)) {
      throw new IllegalArgumentException(describe(raw, source));
    }
    return value;
  }

  private String describe(String raw, String source) {
    String shown = secret ? "<secret, " + raw.length() + " characters>" : "'" + raw + "'";
    return envName() + " (" + key + ", from " + source + ") = " + shown + " is not " + validDescription;
  }

  @Override
  public String toString() {
    return key;
  }

  /** Thrown by a parser that can say why a value is wrong (which host, which file, what it lacks). */
  static final class Rejected extends IllegalArgumentException {
    Rejected(String reason) {
      super(reason);
    }
  }
}
