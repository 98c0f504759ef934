#!/usr/bin/env bash
# Tools two agent tests use when present (they skip without them): tmux (TerminalScreenE2ETest drives the live
# screen in a real terminal) and systemd-analyze (ServiceCommandTest verifies the unit it writes).
# Idempotent and bounded; installing the systemd package in a container does not start it.
set -euo pipefail

need=()
command -v tmux >/dev/null 2>&1 || need+=(tmux)
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
if [ "${#need[@]}" -gt 0 ]; then
  timeout 900 apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive timeout 1200 apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need[@]}"
fi
echo "agent test tools: $(tmux -V 2>/dev/null || echo 'tmux missing'), $(systemd-analyze --version 2>/dev/null | head -1 || echo 'systemd-analyze missing')"
