#!/usr/bin/env bash
# A real ACME server for the automatic-certificate test (AcmeE2ETest): Debian's pebble, which ships pebble and
# pebble-challtestsrv (its DNS). The test makes pebble's own HTTPS certificate with openssl. Idempotent and bounded.
set -euo pipefail

if ! command -v pebble >/dev/null 2>&1 || ! command -v pebble-challtestsrv >/dev/null 2>&1; then
  timeout 900 apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive timeout 1200 apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends pebble
fi
echo "acme test tools: $(command -v pebble) $(command -v pebble-challtestsrv)"
