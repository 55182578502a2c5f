package io.simstream.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Elasticsearch refuses to run as root, so when this JVM is root the node runs as a system user of its own,
 * which must own the node's folders and be able to reach them.
 */
final class EsUser {

  static final String NAME = "simstream-es";

  private static final Logger log = LoggerFactory.getLogger(EsUser.class);
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

  private EsUser() {
  }

  /** Whether the node must run as {@link #NAME}: only root needs (and may do) the switch. */
  static boolean needed() {
    return "root".equals(System.getProperty("user.name"));
  }

  static synchronized void ensureExists() {
    if (exists()) {
      return;
    }
    try {
      Processes.run(COMMAND_TIMEOUT, "useradd", "-r", "-M", "-s", "/usr/sbin/nologin", NAME);
      log.info("created system user {} to run Elasticsearch", NAME);
    } catch (IllegalStateException e) {
      // Another JVM may have created it at the same moment.
      if (!exists()) {
        throw e;
      }
    }
  }

  /** Options for setpriv that run the command as {@link #NAME} with no other groups. */
  static List<String> setprivOptions() {
    return List.of("--reuid=" + NAME, "--regid=" + NAME, "--clear-groups");
  }

  static void chown(Path path) {
    Processes.run(COMMAND_TIMEOUT, "chown", "-R", NAME + ":" + NAME, path.toString());
  }

  /** Fails clearly when a folder above {@code dir} does not let {@link #NAME} through (e.g. /root). */
  static void checkCanReach(Path dir) {
    for (Path folder = dir.toAbsolutePath().getParent(); folder != null; folder = folder.getParent()) {
      try {
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(folder);
        boolean owned = NAME.equals(Files.getOwner(folder).getName());
        if (!permissions.contains(PosixFilePermission.OTHERS_EXECUTE)
            && !(owned && permissions.contains(PosixFilePermission.OWNER_EXECUTE))) {
          throw new IllegalStateException("Elasticsearch runs as user " + NAME + ", which cannot enter " + folder
              + " (" + PosixFilePermissions.toString(permissions) + ") on the way to " + dir
              + ": use a work dir under a world-traversable folder such as " + System.getProperty("java.io.tmpdir"));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static boolean exists() {
    try {
      FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(NAME);
      return true;
    } catch (UserPrincipalNotFoundException e) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
