#!/usr/bin/env bash
# A real Temporal server and its Web UI on this machine, built from Go modules (no image, no
# prebuilt binary): `temporal server start-dev` of the official CLI, with SQLite persistence in a
# file so that a restart keeps every workflow, namespace and search attribute.
#
#   deploy/temporal-dev/temporal-dev.sh build    # once: go install the CLI into the cache
#   deploy/temporal-dev/temporal-dev.sh start    # start, wait until it answers, register attributes
#   deploy/temporal-dev/temporal-dev.sh status   # running or not, and where
#   deploy/temporal-dev/temporal-dev.sh stop     # SIGTERM, then SIGKILL after a timeout
#   deploy/temporal-dev/temporal-dev.sh path     # prints the cached binary's path (builds if absent)
#
# docs/temporal-dev.md says which server and UI versions this runs and why.
#
# Settings, all by environment variable:
#   SENDOUT_CACHE           build cache root, outside the repo       (default ~/.cache/sendout)
#                           the CLI goes to $SENDOUT_CACHE/temporal/cli-<version>/temporal, the
#                           pinned server to $SENDOUT_CACHE/temporal/pinned-server-<v>-ui-<v>-<src
#                           hash>/sendout-temporal
#   SENDOUT_STATE           state directory: database, log, pid file (default ~/.sendout)
#   SENDOUT_TEMPORAL        which server runs                        (default cli)
#                           cli:    `temporal server start-dev` of the official CLI
#                           pinned: deploy/temporal-dev/server, the server and UI versions that
#                                   docker-compose.yml pins (its go.mod); the CLI is still built,
#                                   as the client that checks health and registers attributes
#   TEMPORAL_CLI_VERSION    the CLI module version to go install     (default v1.5.1; from v1.6.0
#                           on its go.mod has a replace directive that `go install` refuses)
#   TEMPORAL_DB_FILE        the SQLite file                          (default $SENDOUT_STATE/temporal.db;
#                           $SENDOUT_STATE/temporal-pinned.db when pinned: nothing migrates a
#                           SQLite file written by one server version to another's schema)
#   TEMPORAL_IP             the gRPC frontend's address              (default 127.0.0.1)
#   TEMPORAL_PORT           the gRPC frontend's port                 (default 7233)
#   TEMPORAL_UI_IP          the Web UI's address                     (default $TEMPORAL_IP)
#   TEMPORAL_UI_PORT        the Web UI's port                        (default 8233)
#   TEMPORAL_NAMESPACES     namespaces to have, space-separated; "default" is always created
#                           (default "default"; the api and worker use TEMPORAL_NAMESPACE, which
#                           defaults to "default", docker-compose.yml uses "sendout")
#   SENDOUT_SEARCH_ATTRIBUTES  Name=Type pairs registered in every namespace above (default: the
#                           list below, which is SendoutSearchAttributes.ALL)
#   TEMPORAL_LOG_LEVEL      the server's log level                   (default warn)
#   TEMPORAL_START_TIMEOUT  seconds to wait for the server to answer (default 90)
#   TEMPORAL_STOP_TIMEOUT   seconds between SIGTERM and SIGKILL      (default 20)
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$SCRIPT_DIR/../.." && pwd)

SENDOUT_CACHE=${SENDOUT_CACHE:-$HOME/.cache/sendout}
SENDOUT_STATE=${SENDOUT_STATE:-$HOME/.sendout}
SENDOUT_TEMPORAL=${SENDOUT_TEMPORAL:-cli}
TEMPORAL_CLI_VERSION=${TEMPORAL_CLI_VERSION:-v1.5.1}
if [[ "$SENDOUT_TEMPORAL" == pinned ]]; then
  TEMPORAL_DB_FILE=${TEMPORAL_DB_FILE:-$SENDOUT_STATE/temporal-pinned.db}
else
  TEMPORAL_DB_FILE=${TEMPORAL_DB_FILE:-$SENDOUT_STATE/temporal.db}
fi
TEMPORAL_IP=${TEMPORAL_IP:-127.0.0.1}
TEMPORAL_PORT=${TEMPORAL_PORT:-7233}
TEMPORAL_UI_IP=${TEMPORAL_UI_IP:-$TEMPORAL_IP}
TEMPORAL_UI_PORT=${TEMPORAL_UI_PORT:-8233}
TEMPORAL_NAMESPACES=${TEMPORAL_NAMESPACES:-default}
TEMPORAL_LOG_LEVEL=${TEMPORAL_LOG_LEVEL:-warn}
TEMPORAL_START_TIMEOUT=${TEMPORAL_START_TIMEOUT:-90}
TEMPORAL_STOP_TIMEOUT=${TEMPORAL_STOP_TIMEOUT:-20}
# Exactly SendoutSearchAttributes.ALL, as docker-compose.yml's temporal-setup has them; `start`
# warns when the Java source declares a key that is missing here.
SENDOUT_SEARCH_ATTRIBUTES=${SENDOUT_SEARCH_ATTRIBUTES:-SendoutId=Keyword TenantId=Keyword Channel=Keyword SendoutStatus=Keyword Stuck=Bool StuckReason=Keyword StuckReasons=KeywordList NextReminderAt=Datetime}

ADDRESS="$TEMPORAL_IP:$TEMPORAL_PORT"
PID_FILE="$SENDOUT_STATE/temporal.pid"
LOG_FILE="$SENDOUT_STATE/temporal.log"

log() { printf 'temporal-dev: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

cli_path() { printf '%s\n' "$SENDOUT_CACHE/temporal/cli-$TEMPORAL_CLI_VERSION/temporal"; }

PINNED_DIR="$SCRIPT_DIR/server"

# Keyed by the versions in its go.mod and a hash of its sources, so an edit rebuilds it.
pinned_path() {
  local server ui hash
  server=$(awk '$1 == "go.temporal.io/server" {print $2}' "$PINNED_DIR/go.mod")
  ui=$(awk '$1 == "github.com/temporalio/ui-server/v2" {print $2}' "$PINNED_DIR/go.mod")
  hash=$(cat "$PINNED_DIR/go.mod" "$PINNED_DIR/go.sum" "$PINNED_DIR"/*.go | sha256sum | cut -c1-12)
  printf '%s\n' "$SENDOUT_CACHE/temporal/pinned-server-$server-ui-$ui-$hash/sendout-temporal"
}

# The server binary that `start` runs.
binary_path() {
  case "$SENDOUT_TEMPORAL" in
    cli) cli_path ;;
    pinned) pinned_path ;;
    *) die "SENDOUT_TEMPORAL=$SENDOUT_TEMPORAL is not a build this script knows (cli or pinned)" ;;
  esac
}

build_cli() {
  local bin dir tmp start rc
  bin=$(cli_path)
  if [[ -x "$bin" ]]; then
    log "cached: $bin"
    return 0
  fi
  command -v go >/dev/null || die "go is not on PATH: the server is built from Go modules"
  dir=$(dirname "$bin")
  mkdir -p "$dir"
  # Installed into a scratch directory first, so that an interrupted build never leaves a binary
  # that the next run would take for a cached one. Run outside the repo: `go install pkg@version`
  # ignores any go.mod, but a go.work up the tree would still be read.
  tmp=$(mktemp -d "$dir/.build.XXXXXX")
  log "building github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION (many minutes the first time)"
  start=$(date +%s)
  rc=0
  (cd "$tmp" && GOBIN="$tmp" GOWORK=off go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION") || rc=$?
  if [[ $rc -ne 0 ]]; then
    rm -rf "$tmp"
    die "go install of the Temporal CLI $TEMPORAL_CLI_VERSION failed (exit $rc); see its error above. SENDOUT_TEMPORAL=pinned builds the server without it, but this script still needs the CLI as its client"
  fi
  mv "$tmp/temporal" "$bin"
  rm -rf "$tmp"
  log "built $bin in $(($(date +%s) - start)) s"
}

build_pinned() {
  local bin dir start
  bin=$(pinned_path)
  if [[ -x "$bin" ]]; then
    log "cached: $bin"
    return 0
  fi
  command -v go >/dev/null || die "go is not on PATH: the server is built from Go modules"
  dir=$(dirname "$bin")
  mkdir -p "$dir"
  log "building $PINNED_DIR into $bin (many minutes the first time)"
  start=$(date +%s)
  (cd "$PINNED_DIR" && GOWORK=off go build -trimpath -o "$bin.partial" .) || {
    rm -f "$bin.partial"
    die "go build of $PINNED_DIR failed; see its error above"
  }
  mv "$bin.partial" "$bin"
  log "built $bin in $(($(date +%s) - start)) s"
}

cmd_build() {
  build_cli
  if [[ "$SENDOUT_TEMPORAL" == pinned ]]; then
    build_pinned
  else
    binary_path >/dev/null
  fi
}

# The pid in the pid file, if that process is still our server (a stale pid may be reused).
running_pid() {
  local pid
  [[ -f "$PID_FILE" ]] || return 1
  pid=$(cat "$PID_FILE")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- '--db-filename' || return 1
  printf '%s\n' "$pid"
}

temporal_cli() { "$(cli_path)" "$@"; }

healthy() {
  temporal_cli operator cluster health --address "$ADDRESS" >/dev/null 2>&1
}

# Warns when SendoutSearchAttributes declares a key that SENDOUT_SEARCH_ATTRIBUTES lacks.
check_attribute_list() {
  local source="$REPO_DIR/workflows/src/main/java/dev/sendout/workflows/sendout/SendoutSearchAttributes.java"
  [[ -f "$source" ]] || return 0
  local name
  # shellcheck disable=SC2013 # names are single words
  for name in $(grep -oE 'SearchAttributeKey\.for[A-Za-z]+\("[A-Za-z0-9_]+"\)' "$source" | sed -E 's/.*\("(.*)"\)/\1/'); do
    case " $SENDOUT_SEARCH_ATTRIBUTES " in
      *" $name="*) ;;
      *) log "WARNING: $name is declared in SendoutSearchAttributes.java but not registered here" ;;
    esac
  done
}

# Registers one attribute unless the namespace has it; one with another type stops the script.
# start-dev's --search-attribute flags only apply to namespaces it creates, not to an existing
# database, so this runs on every start.
ensure_search_attribute() {
  local namespace=$1 name=$2 type=$3 listing row
  listing=$(temporal_cli operator search-attribute list --address "$ADDRESS" --namespace "$namespace")
  row=$(printf '%s\n' "$listing" | grep -E "^[[:space:]]*${name}[[:space:]]" || true)
  if [[ -z "$row" ]]; then
    temporal_cli operator search-attribute create --address "$ADDRESS" --namespace "$namespace" \
      --name "$name" --type "$type" >/dev/null
    log "registered $name=$type in $namespace"
  elif printf '%s\n' "$row" | grep -qiwE "(INDEXED_VALUE_TYPE_)?$type"; then
    :
  else
    die "search attribute $name exists in $namespace with another type than $type: $row (the server is left running; $0 stop stops it)"
  fi
}

ensure_namespace() {
  local namespace=$1
  temporal_cli operator namespace describe --address "$ADDRESS" --namespace "$namespace" \
    >/dev/null 2>&1 && return 0
  temporal_cli operator namespace create --address "$ADDRESS" --namespace "$namespace" >/dev/null
  log "created namespace $namespace"
}

# True when something accepts connections on host:port.
port_in_use() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

cmd_start() {
  local pid bin args=() ns attribute deadline
  if pid=$(running_pid); then
    log "already running (pid $pid); UI http://$TEMPORAL_UI_IP:$TEMPORAL_UI_PORT"
    return 0
  fi
  # Else the health check below could be answered by another server on the same port (such as a
  # Java test server, which answers cluster health too).
  port_in_use "$TEMPORAL_IP" "$TEMPORAL_PORT" &&
    die "something else already listens on $ADDRESS (not this script's server); set TEMPORAL_PORT"
  port_in_use "$TEMPORAL_UI_IP" "$TEMPORAL_UI_PORT" &&
    die "something else already listens on $TEMPORAL_UI_IP:$TEMPORAL_UI_PORT; set TEMPORAL_UI_PORT"
  cmd_build
  bin=$(binary_path)
  mkdir -p "$SENDOUT_STATE" "$(dirname "$TEMPORAL_DB_FILE")"
  check_attribute_list

  args=()
  if [[ "$SENDOUT_TEMPORAL" == cli ]]; then
    # SQLite as the embedded engine runs it (TemporalDevServer): WAL, synced at checkpoints, so
    # that either can run a state directory the other wrote.
    args=(server start-dev --sqlite-pragma journal_mode=wal --sqlite-pragma synchronous=normal)
  fi
  args+=(--db-filename "$TEMPORAL_DB_FILE"
    --ip "$TEMPORAL_IP" --port "$TEMPORAL_PORT"
    --ui-ip "$TEMPORAL_UI_IP" --ui-port "$TEMPORAL_UI_PORT"
    --log-level "$TEMPORAL_LOG_LEVEL")
  for ns in $TEMPORAL_NAMESPACES; do
    [[ "$ns" == default ]] || args+=(--namespace "$ns")
  done
  for attribute in $SENDOUT_SEARCH_ATTRIBUTES; do
    args+=(--search-attribute "$attribute")
  done

  log "starting: $bin ${args[*]}"
  printf '\n==== %s start\n' "$(date -u +%FT%TZ)" >>"$LOG_FILE"
  # Its own session, so that the caller's Ctrl-C or exit does not reach it; stdin closed.
  setsid "$bin" "${args[@]}" </dev/null >>"$LOG_FILE" 2>&1 &
  pid=$!
  printf '%s\n' "$pid" >"$PID_FILE"

  deadline=$(($(date +%s) + TEMPORAL_START_TIMEOUT))
  until healthy; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PID_FILE"
      tail -n 30 "$LOG_FILE" >&2
      die "the server exited while starting; log: $LOG_FILE"
    fi
    if [[ $(date +%s) -ge $deadline ]]; then
      tail -n 30 "$LOG_FILE" >&2
      die "the server did not answer on $ADDRESS within ${TEMPORAL_START_TIMEOUT}s (pid $pid still running; stop it with: $0 stop)"
    fi
    sleep 1
  done

  for ns in $TEMPORAL_NAMESPACES; do
    ensure_namespace "$ns"
    for attribute in $SENDOUT_SEARCH_ATTRIBUTES; do
      ensure_search_attribute "$ns" "${attribute%%=*}" "${attribute#*=}"
    done
  done

  log "running (pid $pid), gRPC $ADDRESS, namespaces: $TEMPORAL_NAMESPACES"
  log "database $TEMPORAL_DB_FILE, log $LOG_FILE"
  echo "Temporal UI: http://$TEMPORAL_UI_IP:$TEMPORAL_UI_PORT/namespaces/${TEMPORAL_NAMESPACES%% *}/workflows"
}

cmd_stop() {
  local pid deadline
  if ! pid=$(running_pid); then
    rm -f "$PID_FILE"
    log "not running"
    return 0
  fi
  log "stopping pid $pid (SIGTERM)"
  kill -TERM "$pid"
  deadline=$(($(date +%s) + TEMPORAL_STOP_TIMEOUT))
  while kill -0 "$pid" 2>/dev/null; do
    if [[ $(date +%s) -ge $deadline ]]; then
      log "still running after ${TEMPORAL_STOP_TIMEOUT}s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.5
  done
  rm -f "$PID_FILE"
  log "stopped"
}

cmd_status() {
  local pid
  if pid=$(running_pid); then
    if healthy; then
      echo "running (pid $pid), gRPC $ADDRESS serving, UI http://$TEMPORAL_UI_IP:$TEMPORAL_UI_PORT"
    else
      echo "running (pid $pid), gRPC $ADDRESS not answering yet"
    fi
  else
    echo "not running"
    return 3
  fi
}

case "${1:-}" in
  build) cmd_build ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  path) cmd_build && binary_path ;;
  *)
    sed -n '2,12p' "$0" >&2
    exit 2
    ;;
esac
