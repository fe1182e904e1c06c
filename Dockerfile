# The container image of one of the engine's apps, chosen with the build argument MODULE:
#
#   docker build --build-arg MODULE=api .        (or worker, or sandbox)
#
# docker-compose.yml builds all three. Needs BuildKit (the default builder of Docker 23 and later,
# and of `docker compose`) for the Maven cache mount.

# ---- Build: the Maven wrapper builds the app's executable jar, which is split into layers.
FROM eclipse-temurin:17.0.19_10-jdk-noble AS build
ARG MODULE
RUN case "$MODULE" in \
      api|worker|sandbox) ;; \
      *) echo "Build with --build-arg MODULE=api, worker or sandbox (got '$MODULE')" >&2; exit 1 ;; \
    esac
WORKDIR /src
COPY . .
# The cache keeps Maven and the dependencies between builds. Tests ran before the image was built
# (./mvnw verify), and the format check is not the image's business.
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -ntp -pl "$MODULE" -am -DskipTests -Dspotless.check.skip=true package \
 && cp "$MODULE/target/$MODULE-"*"-exec.jar" /application.jar
# Spring Boot's layers, from the least to the most often changed: released dependencies, its
# loader, snapshot dependencies, and the application (its classes and this project's own modules,
# workflows, core and activities), so that a rebuild after a code change ships only the last layer.
# Without --launcher, application.jar is a plain jar whose manifest lists the libraries in lib/:
# `java -jar application.jar` runs the app, `java -cp application.jar <class>` another main class
# of it (the sandbox's key writer).
RUN java -Djarmode=tools -jar /application.jar extract --layers --destination /extracted

# ---- Run: a JRE, a user without privileges, the layers.
FROM eclipse-temurin:17.0.19_10-jre-noble
ARG MODULE
# Container support is on by default in Java 17: the heap is sized from the container's memory
# limit, not the host's. An app that runs out of memory exits, for the restart policy to replace,
# rather than limping on. Override the whole set with JDK_JAVA_OPTIONS.
ENV SENDOUT_APP="$MODULE" \
    JDK_JAVA_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
RUN groupadd --system --gid 10001 sendout \
 && useradd --system --uid 10001 --gid sendout --home-dir /app --shell /usr/sbin/nologin sendout \
 && install -d -o sendout -g sendout /app /run/sandbox-keys
WORKDIR /app
COPY --from=build /extracted/dependencies/ ./
COPY --from=build /extracted/spring-boot-loader/ ./
COPY --from=build /extracted/snapshot-dependencies/ ./
COPY --from=build /extracted/application/ ./
COPY --chmod=755 deploy/image/healthcheck.sh /usr/local/bin/healthcheck
# Numeric, so that a platform can check it is not root without reading /etc/passwd.
USER 10001:10001
# The apps start in 10 to 30 seconds; the worker waits up to a minute for Temporal.
HEALTHCHECK --interval=15s --timeout=5s --start-period=90s --retries=3 CMD ["healthcheck"]
# Exec form: java is PID 1 and gets SIGTERM itself, which starts the apps' graceful shutdown.
ENTRYPOINT ["java", "-jar", "application.jar"]
