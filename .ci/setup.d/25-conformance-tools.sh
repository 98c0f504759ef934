#!/usr/bin/env bash
# Third-party software the conformance suite (test-support, dev.burrow.conformance) puts on both ends of a tunnel:
# nginx, wrk, OpenSSH server + client (with sftp-server, which OpenSSH 9's scp needs), curl, python3, node + npm
# and the npm package ws in a fixed directory (BURROW_WS_DIR, default /opt/burrow-ws).
# Idempotent: installs only what is missing. Bounded: every network step has a timeout.
set -euo pipefail

WS_DIR=${BURROW_WS_DIR:-/opt/burrow-ws}

need=()
command -v nginx >/dev/null 2>&1 || need+=(nginx)
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v sshd >/dev/null 2>&1 || [ -x /usr/sbin/sshd ] || need+=(openssh-server)
[ -x /usr/lib/openssh/sftp-server ] || need+=(openssh-sftp-server)
command -v ssh >/dev/null 2>&1 || need+=(openssh-client)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v python3 >/dev/null 2>&1 || need+=(python3)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
if [ "${#need[@]}" -gt 0 ]; then
  timeout 900 apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive timeout 1200 apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
    --no-install-recommends "${need[@]}"
fi
if [ ! -f "$WS_DIR/node_modules/ws/package.json" ]; then
  mkdir -p "$WS_DIR"
  timeout 300 npm install --prefix "$WS_DIR" --no-audit --no-fund --no-save ws@8
fi
mkdir -p /run/sshd
echo "conformance tools: $(nginx -v 2>&1), $(wrk -v 2>&1 | head -1 | cut -c1-40), $(ssh -V 2>&1)," \
  "node $(node --version), ws $(node -p "require('$WS_DIR/node_modules/ws/package.json').version" 2>/dev/null || echo missing)"
