# syntax=docker/dockerfile:1
#
# simstream query API image. Build the jar first, then the image from the repository root:
#
#   mvn -B -DskipTests -pl query-api -am package
#   docker build -f deploy/query-api.Dockerfile -t simstream/query-api:0.1.0 .
#
# Configuration is read only from SIMSTREAM_* environment variables (or the file named by
# SIMSTREAM_CONFIG_FILE); the names are declared in common/src/main/java/io/simstream/config/Settings.java.
FROM eclipse-temurin:17-jre

RUN set -eux; \
    if ! command -v curl >/dev/null 2>&1; then \
      apt-get update; \
      apt-get install -y --no-install-recommends curl; \
      rm -rf /var/lib/apt/lists/*; \
    fi; \
    groupadd --system --gid 10001 simstream; \
    useradd --system --uid 10001 --gid simstream --home-dir /home/simstream --create-home \
      --shell /usr/sbin/nologin simstream; \
    mkdir -p /app

COPY query-api/target/simstream-query-api.jar /app/simstream-query-api.jar

ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"

USER 10001:10001
WORKDIR /home/simstream

# HTTP port (Settings.API_PORT): the API, /metrics, /health and /ready.
EXPOSE 8080

HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD curl -fsS "http://localhost:${SIMSTREAM_API_PORT:-8080}/health" >/dev/null || exit 1

ENTRYPOINT ["java", "-jar", "/app/simstream-query-api.jar"]
