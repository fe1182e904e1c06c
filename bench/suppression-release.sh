#!/bin/sh
# Benchmark: what a tenant's suppression list of 1,000,000 entries adds to the release of a
# 100,000-recipient sendout, with the query plan of the release's gate. Runs
# SuppressionReleaseBenchmark (core's tests, on the embedded Postgres, or on TEST_DATABASE_URL) and
# prints its report, which it also leaves in core/target/suppression-release-benchmark.txt.
#
# Usage: bench/suppression-release.sh   (from the repository's root; takes a few minutes)
set -eu
cd "$(dirname "$0")/.."
./mvnw -B -ntp -q -pl core -am test -Dtest=SuppressionReleaseBenchmark \
  -Dsurefire.failIfNoSpecifiedTests=false
cat core/target/suppression-release-benchmark.txt
