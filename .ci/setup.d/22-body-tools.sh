#!/usr/bin/env bash
# Tools BodyIntegrityE2ETest runs as real client and upstream: curl (--http1.0/--http1.1, exit codes on cut
# bodies) and python3 (python3 -m http.server, which answers HTTP/1.0 and closes after each response).
# Idempotent and bounded.
set -euo pipefail

need=()
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v python3 >/dev/null 2>&1 || need+=(python3)
if [ "${#need[@]}" -gt 0 ]; then
  timeout 900 apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive timeout 1200 apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need[@]}"
fi
echo "body test tools: $(curl --version | head -1), $(python3 --version)"
