package io.simstream.embedding;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A model file shipped as a classpath resource. Engines load from paths, so it is unpacked once into
 * the cache directory; the SHA-256 is checked so a damaged jar or cache is never used.
 */
record BundledModel(String resource, String fileName, String sha256) {

  Path unpackTo(Path cacheDirectory) {
    Path directory = cacheDirectory.resolve("models").resolve(sha256.substring(0, 16));
    Path target = directory.resolve(fileName);
    try {
      if (Files.exists(target) && sha256.equals(Sha256.hex(Files.readAllBytes(target)))) {
        return target;
      }
      byte[] data;
      try (InputStream in = BundledModel.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new EmbeddingException("Model resource " + resource + " is missing from the classpath");
        }
        data = in.readAllBytes();
      }
      String actual = Sha256.hex(data);
      if (!sha256.equals(actual)) {
        throw new EmbeddingException("Model resource " + resource + " has SHA-256 " + actual + ", expected " + sha256);
      }
      Files.createDirectories(directory);
      Path temp = Files.createTempFile(directory, fileName, ".tmp");
      Files.write(temp, data);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return target;
    } catch (IOException e) {
      throw new EmbeddingException("Cannot unpack model " + resource + " into " + directory + ": " + e, e);
    }
  }
}
