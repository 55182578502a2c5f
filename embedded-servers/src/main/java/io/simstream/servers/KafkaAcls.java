package io.simstream.servers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/** The ACLs of one user, to be granted on a secure embedded broker (see {@link KafkaBroker#startSecure}). */
public final class KafkaAcls {
  private static final long GRANT_TIMEOUT_SECONDS = 60;

  private final String principal;
  private final List<AclBinding> bindings = new ArrayList<>();

  public KafkaAcls(String user) {
    this.principal = "User:" + user;
  }

  public KafkaAcls topic(String name, AclOperation... operations) {
    return allow(ResourceType.TOPIC, name, PatternType.LITERAL, operations);
  }

  public KafkaAcls topicsPrefixed(String prefix, AclOperation... operations) {
    return allow(ResourceType.TOPIC, prefix, PatternType.PREFIXED, operations);
  }

  public KafkaAcls group(String name, AclOperation... operations) {
    return allow(ResourceType.GROUP, name, PatternType.LITERAL, operations);
  }

  public KafkaAcls transactionalIdsPrefixed(String prefix, AclOperation... operations) {
    return allow(ResourceType.TRANSACTIONAL_ID, prefix, PatternType.PREFIXED, operations);
  }

  private KafkaAcls allow(ResourceType type, String name, PatternType pattern, AclOperation... operations) {
    for (AclOperation operation : operations) {
      bindings.add(new AclBinding(new ResourcePattern(type, name, pattern),
          new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW)));
    }
    return this;
  }

  /** Grants them through the broker's plain listener, whose principal is a super user. */
  public void grantOn(KafkaBroker broker) throws InterruptedException, ExecutionException, TimeoutException {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      admin.createAcls(bindings).all().get(GRANT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
  }
}
