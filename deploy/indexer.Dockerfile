# syntax=docker/dockerfile:1
#
# simstream indexer, CPU image (ONNX Runtime). Build the jar first, then the image from the repository root:
#
#   mvn -B -DskipTests -pl indexer -am package
#   docker build -f deploy/indexer.Dockerfile -t simstream/indexer:0.1.0 .
#
# Configuration is read only from SIMSTREAM_* environment variables (or the file named by
# SIMSTREAM_CONFIG_FILE); the names are declared in common/src/main/java/io/simstream/config/Settings.java.
# A GPU (TensorRT 8.x) variant needs a CUDA + TensorRT base instead: see docs/deployment.md.
FROM eclipse-temurin:17-jre

# curl serves the HEALTHCHECK below and the compose healthcheck; a dedicated non-root user runs the JVM.
RUN set -eux; \
    if ! command -v curl >/dev/null 2>&1; then \
      apt-get update; \
      apt-get install -y --no-install-recommends curl; \
      rm -rf /var/lib/apt/lists/*; \
    fi; \
    groupadd --system --gid 10001 simstream; \
    useradd --system --uid 10001 --gid simstream --home-dir /home/simstream --create-home \
      --shell /usr/sbin/nologin simstream; \
    mkdir -p /app /var/lib/simstream/state; \
    chown -R simstream:simstream /var/lib/simstream

COPY indexer/target/simstream-indexer.jar /app/simstream-indexer.jar
COPY indexer/src/main/resources/cds/indexer.classlist /app/indexer.classlist

# A class-data sharing archive of the classes a start loads (docs/indexer.md "Start-up time"): a restarted
# pod maps them instead of loading and verifying them again. Dumped by this image's own JVM, as it must be;
# a JVM that cannot use it (another JDK build) starts without it.
RUN java -Xshare:dump -XX:SharedClassListFile=/app/indexer.classlist \
      -XX:SharedArchiveFile=/app/simstream-indexer.jsa -cp /app/simstream-indexer.jar

# Kafka Streams state (RocksDB) lives here; it is rebuilt from the changelog topics when lost.
ENV SIMSTREAM_INDEXER_STATE_DIR=/var/lib/simstream/state \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"

USER 10001:10001
WORKDIR /home/simstream
VOLUME ["/var/lib/simstream/state"]

# Admin port (Settings.INDEXER_ADMIN_PORT): /metrics and /health.
EXPOSE 9401

# Only whether the process serves: Swarm replaces an unhealthy container, and /health is 503 during an
# Elasticsearch outage, which a restart cannot end (docs/deployment.md).
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD curl -fsS "http://localhost:${SIMSTREAM_INDEXER_ADMIN_PORT:-9401}/metrics" >/dev/null || exit 1

ENTRYPOINT ["java", "-XX:SharedArchiveFile=/app/simstream-indexer.jsa", "-jar", "/app/simstream-indexer.jar"]
