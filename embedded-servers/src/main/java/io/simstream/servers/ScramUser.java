package io.simstream.servers;

/** A SCRAM-SHA-512 user added to a secured {@link KafkaBroker} with {@link KafkaBroker#addScramUser}. */
public record ScramUser(String name, String password) {
}
