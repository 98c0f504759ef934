#!/usr/bin/env bash
# Tools the HTTPS and TLS endpoint tests run as real clients and upstreams: openssl (s_client for handshakes with and
# without SNI, s_server as a TLS upstream holding its own certificate) and curl (--cacert, --resolve, --tlsv1.2/1.3).
# Idempotent and bounded.
set -euo pipefail

need=()
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v curl >/dev/null 2>&1 || need+=(curl)
if [ "${#need[@]}" -gt 0 ]; then
  timeout 900 apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive timeout 1200 apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need[@]}"
fi
echo "tls test tools: $(openssl version), $(curl --version | head -1)"
