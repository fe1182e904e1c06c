#!/usr/bin/env bash
# The email address check of two commits, alternately in one JVM (bench/AddressCheck.java):
#   bench/address-check.sh [BEFORE] [AFTER]     (default: 4e0f423~1 and the working tree)
set -euo pipefail
cd "$(dirname "$0")/.."
before=${1:-4e0f423~1}
after=${2:-}
src=core/src/main/java/dev/sendout/core/channel/email/EmailAddress.java
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/before" "$work/after"
git show "$before:$src" | sed 's/^package .*;/package before;/' > "$work/before/EmailAddress.java"
if [ -n "$after" ]; then git show "$after:$src"; else cat "$src"; fi |
  sed 's/^package .*;/package after;/' > "$work/after/EmailAddress.java"
javac -d "$work/classes" "$work"/before/EmailAddress.java "$work"/after/EmailAddress.java bench/AddressCheck.java
java -cp "$work/classes" AddressCheck
