# Container image of the gateway: one image for every role.
#   docker build -t <registry>/rwgateway:<tag> .     (from the repository root)
#   docker run <registry>/rwgateway:<tag> receive --help   (or sidecar ..., query ...)
# Not built in CI (no registry there); docs/kubernetes.md says how to build and push it.

# --- build stage: the README's package command on a JDK 17 ---
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q package -DskipTests

# --- runtime stage: a JRE 17 and the launcher ---
FROM eclipse-temurin:17-jre
# bin/gateway is a bash script (awk, cut): the Ubuntu-based Temurin JRE image has them.
WORKDIR /opt/rwgateway
COPY --from=build /src/bin/gateway /src/bin/heap-size /opt/rwgateway/bin/
COPY --from=build /src/gateway/target/gateway.jar /opt/rwgateway/gateway/target/gateway.jar
# A numeric non-root user, so that Kubernetes' runAsNonRoot can check it without /etc/passwd.
USER 10001:10001
# The launcher sizes the heap from the container's memory limit (bin/heap-size) unless
# GATEWAY_JAVA_OPTS sets -Xmx; the JVM flags Chronicle Queue needs are in it.
ENV GATEWAY_JAR=/opt/rwgateway/gateway/target/gateway.jar
# Read-only root filesystem: the image itself is never written to. What is written at run time:
# - --tsdb.path (WAL, head chunks, blocks; the default ./data is relative to the working
#   directory, so always pass --tsdb.path pointing into a volume, e.g. /data);
# - java.io.tmpdir (/tmp): native libraries unpacked by Netty and snappy-java, the JVM's
#   hsperfdata. Mount an emptyDir (or tmpfs) at /tmp when the root filesystem is read-only.
VOLUME ["/data", "/tmp"]
# remote write, HTTP (/metrics, /-/ready, /-/healthy, Prometheus API), gRPC (StoreAPI, forwarding)
EXPOSE 19291 10902 10901
ENTRYPOINT ["/opt/rwgateway/bin/gateway"]
CMD ["receive", "--help"]
