#!/usr/bin/env bash
# PostgreSQL binaries for the tenancy store test (PostgresStoreTest starts its own throw-away server from them as the
# postgres user; no system service is needed). Idempotent; the test skips when they are absent.
set -euo pipefail
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "postgresql binaries present: $(ls -d /usr/lib/postgresql/*/bin | tail -1)"
  exit 0
fi
timeout 300 apt-get update -qq
DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq --no-install-recommends postgresql
# The Debian package starts a cluster service; the tests do not use it.
(command -v pg_ctlcluster >/dev/null && pg_lsclusters -h 2>/dev/null | while read -r ver name _; do
  pg_ctlcluster "$ver" "$name" stop || true; done) || true
