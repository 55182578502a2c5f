package io.simstream.api.registry;

import java.util.Map;
import java.util.Optional;

/**
 * The runs and datasets registries as the services see them. {@link CompactedTopicStore} is the
 * real one; tests of validation and error mapping use an in-memory one and start no broker.
 */
public interface KeyValueStore<V> {
  Optional<V> get(String key);

  Map<String, V> snapshot();

  /** Returns once readers of this store see the value. */
  void put(String key, V value);

  void remove(String key);

  /** Removes the key with a tombstone that carries these headers, which tell its readers why. */
  void remove(String key, Map<String, String> headers);

  /** Moves a value to a new key so that no reader ever sees it under neither key. */
  void move(String oldKey, String newKey, V value);
}
