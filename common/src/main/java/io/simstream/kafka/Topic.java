package io.simstream.kafka;

import org.apache.kafka.common.serialization.Serde;

/** A topic name with the serdes of its keys and values, so no code pairs them by hand. */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {
}
