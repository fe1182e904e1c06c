#!/bin/sh
# Creates the engine's namespace and registers its custom search attributes, with the temporal CLI
# of the temporalio/admin-tools image. Run by the temporal-setup service of docker-compose.yml once
# the server is up; everything it needs comes from that service's environment:
#   TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE  the same values the api and the worker get
#   NAMESPACE_RETENTION                  how long closed workflows stay visible
#   SEARCH_ATTRIBUTES                    Name=Type pairs, the same as SendoutSearchAttributes.ALL
#                                        (ComposeFileTest compares them)
# Safe to repeat: an existing namespace or search attribute is left as it is.
set -eu

: "${TEMPORAL_ADDRESS:?}" "${TEMPORAL_NAMESPACE:?}" "${NAMESPACE_RETENTION:?}" "${SEARCH_ATTRIBUTES:?}"

# The frontend takes connections a little before it answers every call, and a new namespace takes
# a few seconds to reach every cache of the server: each step is retried for a minute.
retry() {
  attempt=1
  until "$@"; do
    if [ "$attempt" -ge 30 ]; then
      echo "Giving up after $attempt attempts: $*" >&2
      return 1
    fi
    attempt=$((attempt + 1))
    sleep 2
  done
}

namespace_exists() {
  temporal operator namespace describe --address "$TEMPORAL_ADDRESS" \
    --namespace "$TEMPORAL_NAMESPACE" >/dev/null 2>&1
}

ensure_namespace() {
  if namespace_exists; then
    echo "Namespace $TEMPORAL_NAMESPACE exists"
    return 0
  fi
  temporal operator namespace create --address "$TEMPORAL_ADDRESS" \
    --namespace "$TEMPORAL_NAMESPACE" --retention "$NAMESPACE_RETENTION"
}

# Registers one attribute unless the namespace has it. One with the same name and another type
# cannot be fixed from here (workflows would fail to set it): that stops the setup.
ensure_search_attribute() {
  name="$1"
  type="$2"
  listing=$(temporal operator search-attribute list --address "$TEMPORAL_ADDRESS" \
    --namespace "$TEMPORAL_NAMESPACE") || return 1
  row=$(printf '%s\n' "$listing" | grep -E "(^|[[:space:]\"])$name([[:space:]\"]|\$)") || row=""
  if [ -z "$row" ]; then
    temporal operator search-attribute create --address "$TEMPORAL_ADDRESS" \
      --namespace "$TEMPORAL_NAMESPACE" --name "$name" --type "$type"
  elif printf '%s\n' "$row" | grep -qiwE "(INDEXED_VALUE_TYPE_)?$type"; then
    echo "Search attribute $name ($type) is registered"
  else
    echo "Search attribute $name exists with another type than $type: $row" >&2
    exit 1
  fi
}

retry temporal operator cluster health --address "$TEMPORAL_ADDRESS"
retry ensure_namespace
for attribute in $SEARCH_ATTRIBUTES; do
  retry ensure_search_attribute "${attribute%%=*}" "${attribute#*=}"
done
echo "Namespace $TEMPORAL_NAMESPACE is ready"
