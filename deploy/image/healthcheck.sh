#!/bin/sh
# The container image's HEALTHCHECK: the app's /actuator/health on the port the app listens on.
# One image build serves one of three apps, so the port follows the app it was built for
# ($SENDOUT_APP, from the build argument MODULE) and the variable that app reads its port from.
# curl ships with the Eclipse Temurin images.
case "$SENDOUT_APP" in
  api) port="${API_PORT:-8080}" ;;
  worker) port="${WORKER_PORT:-8081}" ;;
  sandbox) port="${SANDBOX_PORT:-8025}" ;;
  *)
    echo "Unknown SENDOUT_APP '$SENDOUT_APP'" >&2
    exit 1
    ;;
esac
# Spring Boot's own setting: /actuator on a port of its own (docs/operations.md); 0 (random) and
# -1 (none) leave nothing to check there.
case "$MANAGEMENT_SERVER_PORT" in
  '' | 0 | -*) ;;
  *) port="$MANAGEMENT_SERVER_PORT" ;;
esac
# Docker reads exit status 1 as unhealthy; curl's own codes are folded into it.
curl --fail --silent --show-error --max-time 4 --output /dev/null \
  "http://127.0.0.1:$port/actuator/health" || exit 1
