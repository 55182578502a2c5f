package io.simstream.api;

import io.simstream.api.registry.KeyValueStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A registry in memory, for tests that check validation and error mapping without a Kafka broker. */
final class InMemoryStore<V> implements KeyValueStore<V> {
  private final Map<String, V> values = new LinkedHashMap<>();

  @Override
  public synchronized Optional<V> get(String key) {
    return Optional.ofNullable(values.get(key));
  }

  @Override
  public synchronized Map<String, V> snapshot() {
    return Map.copyOf(values);
  }

  @Override
  public synchronized void put(String key, V value) {
    values.put(key, value);
  }

  @Override
  public synchronized void remove(String key) {
    values.remove(key);
  }

  @Override
  public synchronized void remove(String key, Map<String, String> headers) {
    values.remove(key);
  }

  @Override
  public synchronized void move(String oldKey, String newKey, V value) {
    values.put(newKey, value);
    values.remove(oldKey);
  }
}
